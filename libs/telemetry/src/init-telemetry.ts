import { randomUUID } from 'node:crypto';
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { ServiceNameConflictError, TelemetryConfigError } from './errors';
import { createInstrumentations } from './instrumentations';
import { buildSampler } from './sampler';
import { SpanProcessorSet } from './span-processor-set';
import { readTelemetryConfig } from './telemetry-config';

export interface TelemetryOptions {
  /** service.name of this process. A process has exactly one. */
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /**
   * An extra exporter, fed through a SimpleSpanProcessor (each span exported
   * as it ends). Tests pass an InMemorySpanExporter here.
   */
  readonly exporter?: SpanExporter;
  /** Read once, on the first call; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The process's telemetry: a tracer for manual spans and the flush/shutdown hooks. */
export interface Telemetry {
  readonly serviceName: string;
  readonly tracer: Tracer;
  /** Exports every ended span that is still buffered. */
  forceFlush(): Promise<void>;
  /**
   * Flushes, shuts exporters down, unpatches the instrumented modules and
   * unregisters the global provider, propagator and context manager. After it,
   * `initTelemetry` starts afresh. Safe to call twice.
   */
  shutdown(): Promise<void>;
}

interface Registration {
  readonly telemetry: Telemetry;
  /** Absent when nothing would receive spans and the SDK was left out. */
  readonly processors?: SpanProcessorSet;
  readonly exporters: Set<SpanExporter>;
}

// One registration per process, kept where a second copy of this module (src
// under jest, dist elsewhere) finds it too, as @opentelemetry/api does.
const REGISTRATION = Symbol.for('@crucible/telemetry.registration');
type GlobalSlot = { [REGISTRATION]?: Registration };
const slot = globalThis as GlobalSlot;

/**
 * Sets up OpenTelemetry for this process, once: a NodeTracerProvider with the
 * service's resource, the AsyncLocalStorage context manager, the W3C
 * trace-context + baggage propagator, and the http, express and pg
 * instrumentations. Spans go to OTLP/HTTP JSON when an OTLP endpoint variable
 * is set, and to `options.exporter`. With neither, nothing would receive a
 * span, so nothing is installed: no context manager, no instrumentation, no
 * W3C headers (measured on Node 20: the context manager and instrumentations
 * alone cost about a third of the gateway's CPU per request). Request and
 * correlation ids still travel in our own headers; a later call that brings an
 * exporter installs everything then (modules already loaded stay unpatched).
 *
 * Later calls return the same handle, adding `options.exporter` if it is new;
 * they throw ServiceNameConflictError if they name another service. Call it
 * before anything imports express, pg or knex: modules loaded earlier stay
 * unpatched.
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  if (options.serviceName.trim() === '') {
    throw new TelemetryConfigError('serviceName', 'initTelemetry needs a non-empty serviceName');
  }
  const existing = slot[REGISTRATION];
  if (existing !== undefined) {
    if (existing.telemetry.serviceName !== options.serviceName) {
      throw new ServiceNameConflictError(existing.telemetry.serviceName, options.serviceName);
    }
    if (options.exporter === undefined) return existing.telemetry;
    if (existing.processors !== undefined) {
      addExporter(existing, existing.processors, options.exporter);
      return existing.telemetry;
    }
    delete slot[REGISTRATION]; // the quiet registration gives way to a real one
  }

  const config = readTelemetryConfig(options.env ?? process.env);
  if (config.otlpTracesUrl === undefined && options.exporter === undefined) {
    const quiet: Telemetry = {
      serviceName: options.serviceName,
      tracer: trace.getTracer(options.serviceName, options.serviceVersion),
      forceFlush: () => Promise.resolve(),
      shutdown() {
        if (slot[REGISTRATION]?.telemetry === quiet) delete slot[REGISTRATION];
        return Promise.resolve();
      },
    };
    slot[REGISTRATION] = { telemetry: quiet, exporters: new Set() };
    return quiet;
  }
  const processors = new SpanProcessorSet();
  if (config.otlpTracesUrl !== undefined) {
    processors.add(new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpTracesUrl })));
  }

  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        [ATTR_SERVICE_VERSION]: options.serviceVersion,
        [ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
      }),
    ),
    sampler: buildSampler(config.sampler),
    spanProcessors: [processors],
  });
  // contextManager left undefined: the SDK installs AsyncLocalStorageContextManager.
  provider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });
  const unloadInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: createInstrumentations(),
  });

  let shuttingDown: Promise<void> | undefined;
  const telemetry: Telemetry = {
    serviceName: options.serviceName,
    tracer: provider.getTracer(options.serviceName, options.serviceVersion),
    // Straight to the processors: the provider rejects with an array, not an Error.
    forceFlush: () => processors.forceFlush(),
    shutdown() {
      shuttingDown ??= (async () => {
        if (slot[REGISTRATION] === registration) delete slot[REGISTRATION];
        unloadInstrumentations();
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
        }
      })();
      return shuttingDown;
    },
  };
  const registration: Registration = { telemetry, processors, exporters: new Set() };
  if (options.exporter !== undefined) addExporter(registration, processors, options.exporter);
  slot[REGISTRATION] = registration;
  return telemetry;
}

function addExporter(
  registration: Registration,
  processors: SpanProcessorSet,
  exporter: SpanExporter,
): void {
  if (registration.exporters.has(exporter)) return;
  registration.exporters.add(exporter);
  processors.add(new SimpleSpanProcessor(exporter));
}
