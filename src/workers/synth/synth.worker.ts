// Synth worker entry: exposes the scene/crop generation API to the main thread.
import { exposeApi } from '../expose';
import { api } from './api';

exposeApi(api);
