import type { ServerConfig } from '../config.ts';
import type { DataStore } from '../store.ts';
import { ConsentService } from './consent-service.ts';
import { ImageService } from './image-service.ts';
import { LogService } from './log-service.ts';
import { ModelRegistry } from './model-registry.ts';
import { ParticipantService } from './participant-service.ts';
import { SessionService } from './session-service.ts';
import { embeddedTokens, supabaseTokens } from './tokens.ts';

/** Every service the controllers call, wired to one data store. */
export interface AppServices {
  readonly store: DataStore;
  readonly participants: ParticipantService;
  readonly consent: ConsentService;
  readonly sessions: SessionService;
  readonly images: ImageService;
  readonly logs: LogService;
}

/** Wires the services: embedded-mode tokens from the data directory, or Supabase Auth verification. */
export async function createServices(config: ServerConfig, store: DataStore): Promise<AppServices> {
  const { database, images } = store;
  const participants = config.supabase
    ? new ParticipantService(database, supabaseTokens(config.supabase), null)
    : await embeddedTokens(config.dataDir, config.tokenTtlSeconds).then(
        (tokens) => new ParticipantService(database, tokens, tokens),
      );
  const consent = new ConsentService(database, images);
  return {
    store,
    participants,
    consent,
    sessions: new SessionService(
      database,
      consent,
      new ModelRegistry(config.embeddingModels),
      config.embeddingIndex,
    ),
    images: new ImageService(database, images, consent, {
      participantMaxImages: config.participantMaxImages,
      participantMaxImageBytes: config.participantMaxImageBytes,
      storeMaxImageBytes: config.storeMaxImageBytes,
      maxImagePixels: config.maxImagePixels,
    }),
    logs: new LogService(database, consent),
  };
}
