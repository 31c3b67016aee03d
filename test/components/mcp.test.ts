import { describeMcp } from './mcp.suite';
import { startEmbeddedStack, startRealStack } from './stack';

describeMcp('real servers', () => startRealStack());
describeMcp('embedded', () => startEmbeddedStack());
