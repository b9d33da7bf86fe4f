// The example project's vitest configuration: the conformance run happens in describeConformance's beforeAll. Its
// root is this folder, so that `npx vitest run` here (the replay line of a failed test) finds it as a project's own
// configuration is found.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  test: { include: ['*.test.ts'], hookTimeout: 300_000, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
});
