/**
 * A serial port as the modem code uses it: Latin-1 text both ways, and a callback when the
 * port goes away (a USB modem dropping off the bus, a pty closed).
 */
import { SerialPort } from 'serialport'

export interface SerialLink {
  readonly path: string
  write(data: string): void
  close(): Promise<void>
  onData(listener: (chunk: string) => void): void
  onClose(listener: (reason: string) => void): void
}

/** Opens a port; rejects with the system's error (ENOENT, EACCES, EBUSY...) when it cannot. */
export type OpenSerial = (path: string, baudRate: number) => Promise<SerialLink>

/**
 * Open `path` at `baudRate`, 8N1.
 * @example const link = await openSerial('/dev/ttyUSB0', 115200)
 */
export const openSerial: OpenSerial = async (path, baudRate) => {
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: false })
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())))
  const closeListeners: ((reason: string) => void)[] = []
  let closed = false
  const gone = (reason: string) => {
    if (closed) return
    closed = true
    for (const listener of closeListeners) listener(reason)
  }
  port.on('close', (error?: Error & { disconnected?: boolean }) => gone(error?.message ?? 'the port was closed'))
  port.on('error', (error: Error) => {
    gone(error.message)
    if (port.isOpen) port.close(() => undefined)
  })
  return {
    path,
    write: (data) => {
      // A modem unplugged is often noticed only here: writing to it fails (EIO).
      if (!closed) port.write(Buffer.from(data, 'latin1'), (error) => error && gone(error.message))
    },
    close: () =>
      new Promise<void>((resolve) => {
        closed = true
        if (!port.isOpen) return resolve()
        port.close(() => resolve())
      }),
    onData: (listener) => port.on('data', (chunk: Buffer) => listener(chunk.toString('latin1'))),
    onClose: (listener) => closeListeners.push(listener),
  }
}
