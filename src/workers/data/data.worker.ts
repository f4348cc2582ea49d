// Data worker entry: HDF5 reading (h5wasm), decode cache and exports run here, off the main thread.
import { exposeApi } from '../expose';
import { api } from './api';

exposeApi(api);
