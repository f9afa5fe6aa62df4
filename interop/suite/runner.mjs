// Runs the libp2p interop suite (@libp2p/interop) with js-libp2p in the suite's "js" slot and the Peerflux daemon
// (`peerflux daemon`, which speaks p2pd's flags and control protocol) in its "go" slot. A mocha spec file:
//
//   npx mocha --timeout 60000 runner.mjs
//
// (DaemonInteropSuiteTest gives the pubsub and relay groups 15 s per test instead: until those features exist
// their tests can only fail, most of them by timing out.)
//
// Environment:
//   PEERFLUX_DAEMON       the command that starts the daemon, as a JSON array of strings; the suite's flags are
//                         appended (default: ["<repo>/peerflux", "daemon"])
//   PEERFLUX_SUITE_GROUPS which groups to run, comma separated: connect, streams, dht, pubsub, relay (default: all)
//   PEERFLUX_DAEMON_LOG   set to 1 to copy the daemons' stderr to this process's stderr
import './polyfills.mjs'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { createClient } from '@libp2p/daemon-client'
import { createServer } from '@libp2p/daemon-server'
import { floodsub } from '@libp2p/floodsub'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import {
  UnsupportedError, connectInteropTests, dhtInteropTests, pubsubInteropTests, relayInteropTests, streamInteropTests
} from '@libp2p/interop'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { mplex } from '@libp2p/mplex'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { plaintext } from '@libp2p/plaintext'
import { tcp } from '@libp2p/tcp'
import { tls } from '@libp2p/tls'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const daemonCommand = process.env.PEERFLUX_DAEMON != null
  ? JSON.parse(process.env.PEERFLUX_DAEMON)
  : [join(repo, 'peerflux'), 'daemon']
const READY = /^Control socket: (\S+)$/m
const STOP_GRACE_MS = 5000

/** Starts a Peerflux daemon with p2pd's flags for `options`; resolves once it prints its control socket. */
async function peerfluxDaemon (options) {
  if (options.transport != null && options.transport !== 'tcp') {
    throw new UnsupportedError(`Peerflux daemon: no ${options.transport} transport`)
  }
  const flags = ['-listen=/ip4/127.0.0.1/tcp/0']
  flags.push(options.noListen === true ? '-noListenAddrs' : '-hostAddrs=/ip4/127.0.0.1/tcp/0')
  if (options.encryption != null) flags.push(`-${options.encryption}=true`)
  if (options.muxer != null) flags.push(`-muxer=${options.muxer}`)
  if (options.key != null) flags.push(`-id=${options.key}`)
  if (options.dht === true) flags.push('-dhtServer')
  if (options.pubsub === true) flags.push('-pubsub')
  if (options.pubsubRouter != null) flags.push(`-pubsubRouter=${options.pubsubRouter}`)
  if (options.relay === true) flags.push('-relay')

  const proc = spawn(daemonCommand[0], [...daemonCommand.slice(1), ...flags], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise(resolve => proc.once('exit', (code, signal) => resolve({ code, signal })))
  let stdout = ''
  let stderr = ''
  proc.stderr.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000)
    if (process.env.PEERFLUX_DAEMON_LOG === '1') process.stderr.write(`[peerflux ${proc.pid}] ${chunk}`)
  })
  const control = await new Promise((resolve, reject) => {
    proc.stdout.on('data', chunk => {
      stdout += chunk
      const ready = READY.exec(stdout)
      if (ready != null) resolve(ready[1])
    })
    proc.once('error', reject)
    exited.then(({ code, signal }) => reject(new Error(
      `peerflux daemon ${flags.join(' ')} exited (${code ?? signal}) before it was ready:\n${stderr}`)))
  })
  return {
    client: createClient(multiaddr(control)),
    stop: async () => {
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(timer)
    }
  }
}

/** A js-libp2p node for `options`, behind the js daemon server. */
async function jsDaemon (options) {
  if (options.transport != null && options.transport !== 'tcp') {
    throw new UnsupportedError(`js slot: ${options.transport} is not set up in this runner`)
  }
  const services = { identify: identify(), ping: ping() }
  if (options.pubsub === true) {
    services.pubsub = options.pubsubRouter === 'floodsub' ? floodsub() : gossipsub()
  }
  if (options.relay === true) {
    services.relay = circuitRelayServer()
  }
  if (options.dht === true) {
    services.dht = kadDHT({ protocol: '/ipfs/kad/1.0.0', peerInfoMapper: passthroughMapper, clientMode: false })
  }
  const encrypters = { noise, tls, plaintext }
  const node = await createLibp2p({
    privateKey: options.key != null ? privateKeyFromProtobuf(readFileSync(options.key)) : undefined,
    addresses: { listen: options.noListen === true ? [] : ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [(encrypters[options.encryption] ?? noise)()],
    streamMuxers: [options.muxer === 'mplex' ? mplex() : yamux()],
    services
  })
  const server = createServer(multiaddr('/ip4/127.0.0.1/tcp/0'), node)
  await server.start()
  return {
    client: createClient(server.getMultiaddr()),
    stop: async () => {
      await server.stop()
      await node.stop()
    }
  }
}

const factory = {
  async spawn (options) {
    return options.type === 'go' ? peerfluxDaemon(options) : jsDaemon(options)
  }
}

const groups = {
  connect: connectInteropTests,
  streams: streamInteropTests,
  dht: dhtInteropTests,
  pubsub: pubsubInteropTests,
  relay: relayInteropTests
}
const selected = (process.env.PEERFLUX_SUITE_GROUPS ?? Object.keys(groups).join(','))
  .split(',').map(g => g.trim()).filter(g => g.length > 0)
for (const group of selected) {
  if (groups[group] == null) throw new Error(`unknown suite group "${group}"; known: ${Object.keys(groups).join(', ')}`)
  await groups[group](factory)
}
