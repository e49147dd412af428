/** True for promises and promise-likes; lets hot loops await only what is really async. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/**
 * Run `work` and answer true once it is done, synchronously when it is: a handler that
 * accepted a message. `onError` answers the errors it can (and rethrows the others).
 */
export function acceptedAfter(work: () => unknown, onError?: (error: unknown) => void): boolean | Promise<boolean> {
  let result: unknown
  try {
    result = work()
  } catch (error) {
    return answered(error, onError)
  }
  return isThenable(result) ? Promise.resolve(result).then(accepted, (error: unknown) => answered(error, onError)) : true
}

function accepted(): true {
  return true
}

function answered(error: unknown, onError: ((error: unknown) => void) | undefined): true {
  if (!onError) throw error
  onError(error)
  return true
}
