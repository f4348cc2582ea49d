// Images worker entry.
import { exposeApi } from '../expose';
import { api } from './api';

exposeApi(api);
