import { describeResolveComponents } from './resolve-components.suite';
import { startEmbeddedStack, startRealStack } from './stack';

// Over the bus only: resolve_components has no gateway route.
describeResolveComponents('real servers', () => startRealStack());
describeResolveComponents('embedded', () => startEmbeddedStack());
