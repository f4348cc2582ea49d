// Eval worker entry: model loading, inference over splits and crops, model exports.
import { exposeApi } from '../expose';
import { api } from './api';

exposeApi(api);
