// Shard worker entry (data-parallel training; started by the train worker).
import { exposeApi } from '../expose';
import { shardApi } from './shard-api';

exposeApi(shardApi);
