export {
  startGateway,
  SERVICE_NAME,
  SERVICE_VERSION,
  type GatewayOptions,
  type RunningGateway,
} from './gateway';
export { createGatewayApp, type GatewayAppOptions } from './app';
export {
  readConfig,
  readGatewaySettings,
  type GatewayConfig,
  type GatewaySettings,
} from './config';
export { openApiDocument } from './http/openapi';
export { toolDefinitions } from './mcp/tools';
export { OPERATION_EXAMPLES, type OperationExample } from './docs/examples';
