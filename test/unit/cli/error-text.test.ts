import { errorText } from '../../../cli/cluster-options.js';

describe('errorText: an error and its causes, each clause once', () => {
  it('joins the causes that add something', () => {
    const error = new Error('environment dev (namespace shop)', {
      cause: new Error('Secret list failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }),
    });
    expect(errorText(error)).toBe(
      'environment dev (namespace shop): Secret list failed: connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('drops a cause its wrapper already quotes (the kubeconfig error printed its clause twice)', () => {
    const cause = new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
    const error = new Error('environment dev', {
      cause: new Error(`cluster unreachable: ${cause.message}`, { cause }),
    });

    expect(errorText(error)).toBe(
      'environment dev: cluster unreachable: HTTP protocol is not allowed when skipTLSVerify is not set or false',
    );
  });
});
