// A js-libp2p gossipsub node (@libp2p/gossipsub) that Peerflux's pubsub interop tests drive.
//
// Usage: node pubsub-peer.mjs [--no-sign]
// Listens on TCP loopback with Noise and Yamux and serves gossipsub (/meshsub/1.2.0, 1.1.0, 1.0.0) with the
// StrictSign policy, or StrictNoSign with --no-sign (message ids are then the SHA-256 of the data, js's default).
// Heartbeats every 200 ms so meshes form quickly in tests. Prints {"event":"ready","peerId":…,"addrs":[…]} on stdout,
// then answers commands, one JSON object per stdin line: {"id":N,"cmd":…,…} → {"id":N,"ok":true,…} or
// {"id":N,"ok":false,"error":…}. Exits when stdin closes. Payloads travel as UTF-8 text.
import './polyfills.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { reply, serveCommands } from './commands.mjs'

const noSign = process.argv.includes('--no-sign')

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    pubsub: gossipsub({
      globalSignaturePolicy: noSign ? 'StrictNoSign' : 'StrictSign',
      heartbeatInterval: 200
    })
  },
  connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 1000 }
})

const pubsub = node.services.pubsub
const text = new TextEncoder()
const utf8 = new TextDecoder()
/** Messages received per topic, in order of arrival: every 'message' event, so duplicates would show. */
const received = new Map()

pubsub.addEventListener('message', (event) => {
  const msg = event.detail
  const list = received.get(msg.topic) ?? []
  list.push({ data: utf8.decode(msg.data), from: msg.type === 'signed' ? msg.from.toString() : null })
  received.set(msg.topic, list)
})

const commands = {
  async connect ({ addr }) {
    await node.dial(multiaddr(addr))
    return {}
  },
  async subscribe ({ topic }) {
    pubsub.subscribe(topic)
    return {}
  },
  async publish ({ topic, data }) {
    const result = await pubsub.publish(topic, text.encode(data))
    return { recipients: result.recipients.map(p => p.toString()) }
  },
  async messages ({ topic }) {
    return { messages: received.get(topic) ?? [] }
  },
  async topicPeers ({ topic }) {
    return { peers: pubsub.getSubscribers(topic).map(p => p.toString()) }
  },
  async meshPeers ({ topic }) {
    return { peers: pubsub.getMeshPeers(topic) }
  }
}

reply({
  event: 'ready',
  peerId: node.peerId.toString(),
  addrs: node.getMultiaddrs().map(a => a.toString())
})
serveCommands(node, commands)
