/**
 * Thrown by `initTelemetry` (and `readTelemetryConfig`) when an environment
 * variable or option has a value we cannot use. `variable` names the
 * variable or option at fault, so start-up logs point straight at it.
 */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';
  readonly code = 'TELEMETRY_CONFIG' as const;

  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by a second `initTelemetry` call in the same process that names a
 * different service: a process has one resource, and silently keeping the
 * first name would file every span under the wrong service.
 */
export class ServiceNameConflictError extends Error {
  override readonly name = 'ServiceNameConflictError';
  readonly code = 'SERVICE_NAME_CONFLICT' as const;

  constructor(
    readonly registered: string,
    readonly requested: string,
  ) {
    super(
      `telemetry is already initialised for service "${registered}" in this process; ` +
        `cannot re-initialise it as "${requested}"`,
    );
  }
}
