/**
 * A process that does nothing but tick a 1 ms timer for `duration` seconds and notes every
 * tick that came at least 5 ms late: moments when the machine did not run it. Prints those
 * pauses ([start epoch ms, length ms]) and its own CPU time as one JSON line.
 */
const duration = Number(process.argv[2])
const pauses: [number, number][] = []
const started = process.cpuUsage()
const end = performance.now() + duration * 1000
let last = performance.now()
const timer = setInterval(() => {
  const now = performance.now()
  if (now - last >= 5) pauses.push([performance.timeOrigin + last, Math.round((now - last) * 10) / 10])
  last = now
  if (now >= end) {
    clearInterval(timer)
    process.stdout.write(`${JSON.stringify({ pauses, cpu: process.cpuUsage(started) })}\n`)
  }
}, 1)
