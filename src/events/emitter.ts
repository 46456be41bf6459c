import type { Decision } from '../decide/decide';
import type { CanaryError } from '../errors';

/** Sent once per feature per page, when its decision is first used. */
export interface ExposureEvent {
  feature: string;
  variant: Decision['variant'];
  reason: Decision['reason'];
  bucket: number | null;
  percentage: number;
  revision: string | undefined;
  userId: string;
}

/** A newly fetched config that differs from the one in use. */
export interface ChangeEvent {
  revision: string | undefined;
  previousRevision: string | undefined;
}

export interface CanaryEvents {
  exposure: ExposureEvent;
  error: CanaryError;
  change: ChangeEvent;
}

export type EventName = keyof CanaryEvents;
export type Listener<E extends EventName> = (event: CanaryEvents[E]) => void;

interface Emitter {
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  emit<E extends EventName>(event: E, payload: CanaryEvents[E]): void;
}

/** Listeners that cannot break the SDK: a throwing listener is reported on the console. */
export function createEmitter(): Emitter {
  const listeners: Partial<Record<EventName, Set<(payload: never) => void>>> = {};
  return {
    on(event, listener) {
      const set = (listeners[event] ??= new Set());
      set.add(listener);
      return () => void set.delete(listener);
    },
    // Delivered in a microtask: a listener added in the same task as the start of the client (the
    // script tag's clientCanaryQueue callbacks) still hears the first exposures.
    emit(event, payload) {
      queueMicrotask(() => listeners[event]?.forEach((listener) => {
        try {
          (listener as Listener<typeof event>)(payload);
        } catch (error) {
          console.error(`client-canary: an "${event}" listener threw`, error);
        }
      }));
    },
  };
}
