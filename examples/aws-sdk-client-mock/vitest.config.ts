// The example project's vitest configuration: the conformance run happens in describeConformance's beforeAll.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['examples/aws-sdk-client-mock/*.test.ts'],
    hookTimeout: 300_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
