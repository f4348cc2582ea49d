// Jobs worker entry: evaluation of models trained by exported jobs (onnxruntime-web).
import { exposeApi } from '../expose';
import { api } from './api';

exposeApi(api);
