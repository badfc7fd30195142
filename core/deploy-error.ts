import type { ObjectRef } from './kube/object.js';
import { formatRef } from './kube/object.js';
import type { Reason } from './reasons.js';
import { isRetryable } from './reasons.js';

/**
 * A failure of one pipeline step, with its identity and its cause: which {@link Reason}, which object (when one is
 * to blame), whether retrying can help, and the underlying error.
 *
 * The message starts with the object, as every message about an object does (`Deployment/shop/api apply failed:
 * …`), so it reads well in a log line, a commit status and a check run alike.
 */
export class DeployError extends Error {
  override readonly name: string = 'DeployError';
  readonly reason: Reason;
  /** The object the failure is about, when there is one. */
  readonly ref?: ObjectRef;
  /** True when retrying cannot help (see {@link isRetryable}): the job stops and reports. */
  readonly terminal: boolean;

  /**
   * @param reason what went wrong, as one constant
   * @param message what happened, without the object (it is prefixed): `apply failed: spec.replicas: Invalid value`
   * @param options `ref`: the object to blame; `cause`: the underlying error
   */
  constructor(reason: Reason, message: string, options: { ref?: ObjectRef; cause?: unknown } = {}) {
    super(options.ref ? `${formatRef(options.ref)} ${message}` : message, { cause: options.cause });
    this.reason = reason;
    this.ref = options.ref;
    this.terminal = !isRetryable(reason);
  }
}
