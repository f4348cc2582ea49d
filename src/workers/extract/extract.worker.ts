// Extraction worker entry: video decoding (WebCodecs) and the opencv.js detector run here, off the main thread.
import { exposeApi } from '../expose';
import { api, setOpenCvLoader } from './api';
import { loadOpenCv } from './opencv';

setOpenCvLoader(loadOpenCv);
exposeApi(api);
