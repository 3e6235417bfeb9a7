import { parentPort, workerData } from 'node:worker_threads';
import { expose, transfer } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { distinctBuffers } from '../../../workers/transfer-lists.ts';
import { withWireErrors } from '../../../workers/wire-error.ts';
import { createNodePrepare } from '../node-prepare.ts';
import type { PrepareWorkerApi, PrepareWorkerData } from './api.ts';

if (parentPort === null) throw new Error('prepare-pool/worker.ts runs only as a worker thread');

const prepare = createNodePrepare((workerData as PrepareWorkerData).manifest);

const api: PrepareWorkerApi = {
  prepare: (bytes, options) =>
    withWireErrors(async () => {
      const prepared = await (await prepare)(bytes, options);
      const { tensor, rgba } = prepared.model_input;
      const decoded = prepared.decoded === null ? [] : [prepared.decoded.data];
      return transfer(prepared, distinctBuffers([tensor, rgba, prepared.change.raster.rgb, ...decoded]));
    }),
};

expose(api, nodeEndpoint(parentPort));
