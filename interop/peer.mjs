// The js-libp2p peer that Peerflux's interop tests drive.
//
// Usage: node peer.mjs [--listen MULTIADDR]... [--security noise,tls]
// Speaks TCP, WebSocket and QUIC; Noise and TLS; Yamux and mplex. Dialers choose: the side that is tested
// offers only the combination under test, and multistream-select (or QUIC) settles on it. --security limits the
// secure channels this peer offers (in that order), e.g. for js-to-js runs over TLS (benchmarks/compare.sh).
// Prints {"event":"ready","peerId":…,"addrs":[…],"protocols":[…]} on stdout, then answers commands, one JSON
// object per stdin line: {"id":N,"cmd":…,…} → {"id":N,"ok":true,…} or {"id":N,"ok":false,"error":…}.
// Exits when stdin closes.
// Serves /perf/1.0.0 (libp2p/specs perf/perf.md, handler below), so another process can use it as a plain perf
// server: start it, read the "ready" line for its addresses, keep its stdin open. The "perf" command runs the client.
import './polyfills.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { quic } from '@chainsafe/libp2p-quic'
import { noise } from '@libp2p/noise'
import { tls } from '@libp2p/tls'
import { yamux } from '@libp2p/yamux'
import { mplex } from '@libp2p/mplex'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { echo } from '@libp2p/echo'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { reply, serveCommands } from './commands.mjs'
import { randomBytes, createHash } from 'node:crypto'

/** Inbound: reads an 8-byte big-endian count, then sends that many bytes and closes. */
const SOURCE = '/peerflux-interop/source/1.0.0'
/** Outbound: the Java side serves this and reads (slowly) what we send. */
const SINK = '/peerflux-interop/sink/1.0.0'
const CHUNK = 64 * 1024
const PERF = '/perf/1.0.0'
/** What perf sends: one 64 KiB buffer of zeros, reused for every chunk (its contents never change). */
const PERF_PAYLOAD = new Uint8Array(CHUNK)

const listen = []
let security = ['noise', 'tls']
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--listen') listen.push(process.argv[++i])
  else if (process.argv[i] === '--security') security = process.argv[++i].split(',')
  else throw new Error(`unknown argument ${process.argv[i]}`)
}
const encrypters = { noise, tls }
for (const name of security) {
  if (encrypters[name] == null) throw new Error(`unknown security ${name}: use noise and/or tls`)
}

const node = await createLibp2p({
  addresses: {
    listen: listen.length > 0
      ? listen
      : ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/udp/0/quic-v1']
  },
  transports: [tcp(), webSockets(), quic()],
  connectionEncrypters: security.map(name => encrypters[name]()),
  streamMuxers: [yamux(), mplex()],
  services: {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    echo: echo({ maxInboundStreams: 256, maxOutboundStreams: 256, timeout: 60_000 })
  },
  // Every test connection comes from 127.0.0.1: lift the per-host inbound rate limit (default 5 a second), which
  // otherwise refuses a test's fresh connections at random.
  connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 1000 }
})

await node.handle(SOURCE, async (stream) => {
  let header = new Uint8Array(0)
  for await (const chunk of stream) {
    header = concat(header, chunk.subarray())
    if (header.length >= 8) break
  }
  const total = Number(new DataView(header.buffer, header.byteOffset, 8).getBigUint64(0))
  await sendBytes(stream, total)
  await stream.close()
}, { maxInboundStreams: 256 })

// perf server (spec "Protocol", server side): read the 8-byte big-endian size, drain until the client closes its
// write side, then send that many bytes and close. Upload bytes are only counted, never copied.
// Each served stream's byte counts are kept (the last 100) for the "perfServed" command.
const perfServed = []
await node.handle(PERF, async (stream) => {
  const size = new Uint8Array(8)
  let received = 0
  for await (const chunk of stream) {
    for (let i = 0; received + i < 8 && i < chunk.byteLength; i++) size[received + i] = byteAt(chunk, i)
    received += chunk.byteLength
  }
  if (received < 8) {
    stream.abort(new Error(`perf: the client closed its write side after ${received} of the 8 size bytes`))
    return
  }
  const download = new DataView(size.buffer).getBigUint64(0)
  await sendZeros(stream, download)
  await stream.close()
  perfServed.push({ uploadBytes: received - 8, downloadBytes: Number(download) })
  if (perfServed.length > 100) perfServed.shift()
}, { maxInboundStreams: 256 })

/** One byte of a received chunk, which is a Uint8Array or a Uint8ArrayList. */
function byteAt (chunk, i) {
  return chunk instanceof Uint8Array ? chunk[i] : chunk.get(i)
}

/** Sends `total` (a BigInt, up to 2^64-1) zero bytes in 64 KiB chunks, waiting for drain when the stream asks. */
async function sendZeros (stream, total) {
  const full = BigInt(CHUNK)
  for (let remaining = total; remaining > 0n;) {
    const chunk = remaining >= full ? PERF_PAYLOAD : PERF_PAYLOAD.subarray(0, Number(remaining))
    remaining -= BigInt(chunk.byteLength)
    if (!stream.send(chunk)) await stream.onDrain()
  }
}

/**
 * perf client (spec "Protocol", client side), timed like Peerflux's: upload from the opened stream until the first
 * download byte (or the server's close when nothing was requested), download from then until the server's close.
 */
async function perfOnce (connection, upload, download) {
  const stream = await connection.newStream(PERF)
  const opened = process.hrtime.bigint()
  const reading = (async () => {
    let received = 0
    let first = null
    for await (const chunk of stream) {
      if (first === null && chunk.byteLength > 0) first = process.hrtime.bigint()
      received += chunk.byteLength
    }
    return { received, first, closed: process.hrtime.bigint() }
  })()
  reading.catch(() => {}) // awaited below; this keeps a reset during the upload from being an unhandled rejection
  const size = new Uint8Array(8)
  new DataView(size.buffer).setBigUint64(0, BigInt(download))
  if (!stream.send(size)) await stream.onDrain()
  await sendZeros(stream, BigInt(upload))
  await stream.close()
  const { received, first, closed } = await reading
  if (received !== download) throw new Error(`perf: asked for ${download} bytes, the server sent ${received}`)
  const seconds = (from, to) => Number(to - from) / 1e9
  return {
    uploadBytes: upload,
    uploadSeconds: seconds(opened, download === 0 ? closed : first),
    downloadBytes: received,
    downloadSeconds: download === 0 ? 0 : seconds(first, closed)
  }
}

/** Results of the identify exchange that js-libp2p runs on every new connection, by peer id. */
const identifyResults = new Map()
const identifyWaiters = new Map()
node.addEventListener('peer:identify', (evt) => {
  const peer = evt.detail.peerId.toString()
  identifyResults.set(peer, evt.detail)
  for (const resolve of identifyWaiters.get(peer) ?? []) resolve(evt.detail)
  identifyWaiters.delete(peer)
})

function identified (peer) {
  if (identifyResults.has(peer)) return Promise.resolve(identifyResults.get(peer))
  return new Promise((resolve, reject) => {
    identifyWaiters.set(peer, [...(identifyWaiters.get(peer) ?? []), resolve])
    setTimeout(() => reject(new Error(`no identify result from ${peer} within 10 s`)), 10_000)
  })
}

function concat (a, b) {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

async function sendBytes (stream, total) {
  const chunk = randomBytes(CHUNK)
  let sent = 0
  while (sent < total) {
    const n = Math.min(CHUNK, total - sent)
    if (!stream.send(n === CHUNK ? chunk : chunk.subarray(0, n))) await stream.onDrain()
    sent += n
  }
}

async function readAll (stream) {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of stream) {
    const data = chunk.subarray()
    hash.update(data)
    bytes += data.byteLength
  }
  return { bytes, sha256: hash.digest('hex') }
}

function target (addr) {
  return multiaddr(addr)
}

async function echoOnce (connection, size) {
  const payload = randomBytes(size)
  const stream = await connection.newStream('/echo/1.0.0')
  const reply = readAll(stream)
  for (let off = 0; off < size; off += CHUNK) {
    if (!stream.send(payload.subarray(off, Math.min(size, off + CHUNK)))) await stream.onDrain()
  }
  await stream.close()
  const got = await reply
  const want = createHash('sha256').update(payload).digest('hex')
  if (got.bytes !== size || got.sha256 !== want) throw new Error(`echo mismatch: sent ${size} bytes, got ${got.bytes}`)
}

const commands = {
  async ping ({ addr }) {
    const rtt = await node.services.ping.ping(target(addr))
    return { rttMillis: rtt }
  },
  async identify ({ addr }) {
    const connection = await node.dial(target(addr))
    const result = await identified(connection.remotePeer.toString())
    return {
      peerId: result.peerId.toString(),
      agentVersion: result.agentVersion,
      protocolVersion: result.protocolVersion,
      protocols: result.protocols,
      listenAddrs: result.listenAddrs.map(String),
      observedAddr: result.observedAddr?.toString(),
      publicKeyType: result.peerId.publicKey?.type
    }
  },
  async echo ({ addr, bytes, streams = 1 }) {
    const connection = await node.dial(target(addr))
    const start = Date.now()
    await Promise.all(Array.from({ length: streams }, () => echoOnce(connection, bytes)))
    return { bytes, streams, millis: Date.now() - start, connections: node.getConnections(connection.remotePeer).length }
  },
  async sink ({ addr, bytes }) {
    const connection = await node.dial(target(addr))
    const stream = await connection.newStream(SINK)
    const start = Date.now()
    await sendBytes(stream, bytes)
    await stream.close()
    return { bytes, millis: Date.now() - start }
  },
  // A new connection over addr's own transport (an open one to the same peer, maybe over another transport, would
  // otherwise be reused), closed after the run.
  async perf ({ addr, upload, download }) {
    const connection = await node.dial(target(addr), { force: true })
    try {
      return await perfOnce(connection, upload, download)
    } finally {
      await connection.close()
    }
  },
  async perfServed () {
    return { served: perfServed.splice(0) }
  },
  async peerInfo ({ peerId }) {
    const peer = await node.peerStore.get(peerIdFromString(peerId))
    const agent = peer.metadata.get('AgentVersion')
    return {
      protocols: peer.protocols,
      agentVersion: agent == null ? null : new TextDecoder().decode(agent),
      addrs: peer.addresses.map(a => a.multiaddr.toString())
    }
  },
  // The signed peer record (RFC 0003) js keeps for peerId, as hex, and the addresses it marks certified; js's
  // identify stores a record only after verifying it. envelope is null while js has none.
  async peerRecord ({ peerId }) {
    const peer = await node.peerStore.get(peerIdFromString(peerId))
    return {
      envelope: peer.peerRecordEnvelope == null ? null : Buffer.from(peer.peerRecordEnvelope).toString('hex'),
      certifiedAddrs: peer.addresses.filter(a => a.isCertified).map(a => a.multiaddr.toString())
    }
  },
  async addProtocol ({ protocol }) {
    await node.handle(protocol, async (stream) => { await stream.close() })
    return {}
  },
  async hangUp ({ addr }) {
    await node.hangUp(target(addr))
    return {}
  }
}


reply({
  event: 'ready',
  peerId: node.peerId.toString(),
  addrs: node.getMultiaddrs().map(String),
  protocols: node.getProtocols()
})

serveCommands(node, commands)
