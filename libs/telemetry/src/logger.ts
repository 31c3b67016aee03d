import { trace } from '@opentelemetry/api';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

/** Structured logging handed to every component (never a module-level singleton). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  service: string;
  /** Lowest level written (default info). */
  level?: LogLevel;
  /** Where lines go (default stdout, one JSON object per line). */
  write?: (line: string) => void;
}

/**
 * A JSON-lines logger. Each line carries time, level, service, message, the
 * active trace and span ids (to join logs with traces) and the fields; errors
 * are flattened to name, message, code, stack and cause.
 */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const log = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    const span = trace.getActiveSpan()?.spanContext();
    const line: LogFields = {
      time: new Date().toISOString(),
      level,
      service: options.service,
      msg: message,
      ...(span ? { trace_id: span.traceId, span_id: span.spanId } : {}),
      ...bound,
    };
    for (const [k, v] of Object.entries(fields ?? {}))
      line[k] = v instanceof Error ? serializeError(v) : v;
    write(safeStringify(line));
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** Parses LOG_LEVEL; unknown values fall back to info. */
export function logLevelFrom(value: string | undefined): LogLevel {
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error'
    ? value
    : 'info';
}

/** A logger that keeps lines in memory (tests assert on what was logged). */
export function memoryLogger(service = 'test'): Logger & { lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createLogger({
    service,
    level: 'debug',
    write: (line) => lines.push(JSON.parse(line) as LogFields),
  });
  return Object.assign(logger, { lines });
}

/** An error as log fields, with its chain of causes (an error translated from another keeps it). */
function serializeError(error: Error, depth = 0): LogFields {
  const out: LogFields = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.stack) out.stack = error.stack;
  const { cause } = error;
  if (cause !== undefined && depth < 5)
    out.cause = cause instanceof Error ? serializeError(cause, depth + 1) : cause;
  return out;
}

function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return serializeError(v);
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
}
