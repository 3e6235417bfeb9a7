import { expose } from 'comlink';
import { createEmbedApi } from './api.ts';

expose(createEmbedApi());
