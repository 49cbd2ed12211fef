import { describe, expect, it } from 'vitest';
import { nodeSupportNotice, silenceAwsSdkNodeAdvisory } from '#adapters/node-support';

describe('Node.js support', () => {
  it('says in one line that Node.js 20 runs the project and what the next AWS SDK needs', () => {
    const notice = nodeSupportNotice('v20.20.2');
    expect(notice).toMatch(/^Node\.js v20\.20\.2: supported by this project \(Node\.js >= 20\)/);
    expect(notice).toContain('January 2027 need Node.js >= 22');
    expect(notice).not.toContain('\n');
    expect(nodeSupportNotice('v21.7.3')).toBeDefined();
  });

  it('says nothing on Node.js 22 and later', () => {
    expect(nodeSupportNotice('v22.0.0')).toBeUndefined();
    expect(nodeSupportNotice('v24.11.1')).toBeUndefined();
  });

  it("sets the SDK's switch unless the environment already chose", () => {
    const unset: NodeJS.ProcessEnv = {};
    silenceAwsSdkNodeAdvisory(unset);
    expect(unset).toEqual({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    const chosen: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' };
    silenceAwsSdkNodeAdvisory(chosen);
    expect(chosen.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });
});
