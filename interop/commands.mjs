// The command loop the interop peers share: one JSON object per stdin line, {"id":N,"cmd":…,…}, answered on stdout
// with {"id":N,"ok":true,…} or {"id":N,"ok":false,"error":…}; the node stops and the process exits when stdin closes.
import { createInterface } from 'node:readline'

/** Writes one JSON line to stdout. */
export function reply (message) {
  process.stdout.write(JSON.stringify(message) + '\n')
}

/** Answers stdin's commands with `commands[cmd](request)` (an async function returning the reply's fields). */
export function serveCommands (node, commands) {
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    if (line.trim() === '') return
    let request
    try {
      request = JSON.parse(line)
    } catch (e) {
      reply({ ok: false, error: `bad json: ${e.message}` })
      return
    }
    const command = commands[request.cmd]
    if (command == null) {
      reply({ id: request.id, ok: false, error: `unknown command ${request.cmd}` })
      return
    }
    command(request).then(
      (result) => reply({ id: request.id, ok: true, ...result }),
      (err) => reply({ id: request.id, ok: false, error: `${err.name}: ${err.message}` })
    )
  })
  lines.on('close', async () => {
    await node.stop()
    process.exit(0)
  })
}
