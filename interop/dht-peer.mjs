// A js-libp2p Kademlia DHT node (@libp2p/kad-dht) that Peerflux's DHT interop tests drive.
//
// Usage: node dht-peer.mjs [--client]
// Listens on TCP loopback with Noise and Yamux, serves /ipfs/kad/1.0.0 (unless --client) with loopback addresses
// kept (passthroughMapper), the /pk/ validator and an accept-anything validator for the /test/ namespace.
// Prints {"event":"ready","peerId":…,"addrs":[…]} on stdout, then answers commands, one JSON object per stdin line:
// {"id":N,"cmd":…,…} → {"id":N,"ok":true,…} or {"id":N,"ok":false,"error":…}. Exits when stdin closes.
// findProviders also says how long the first provider took to arrive (firstMs), for benchmarks/dht-compare.sh.
// Keys: provider keys are CID strings; record keys are text ("/test/x") or, for /pk/, "/pk/" + a peer id string.
import './polyfills.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { reply, serveCommands } from './commands.mjs'

const client = process.argv.includes('--client')

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    dht: kadDHT({
      protocol: '/ipfs/kad/1.0.0',
      clientMode: client,
      peerInfoMapper: passthroughMapper,
      validators: { test: async () => {} },
      selectors: { test: () => 0 }
    })
  },
  connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 1000 }
})

const text = new TextEncoder()
const utf8 = new TextDecoder()

/** A record key: "/pk/<peer id>" becomes "/pk/" + the id's multihash bytes; other text is taken as UTF-8. */
function recordKey (key) {
  if (key.startsWith('/pk/')) {
    const id = peerIdFromString(key.slice(4))
    return concat(text.encode('/pk/'), id.toMultihash().bytes)
  }
  return text.encode(key)
}

function concat (a, b) {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

function peerJson (info) {
  return { peerId: info.id.toString(), addrs: info.multiaddrs.map(a => a.toString()) }
}

/** Runs `work` with an abort signal that fires after `seconds`. */
async function within (seconds, work) {
  const signal = AbortSignal.timeout((seconds ?? 30) * 1000)
  return work(signal)
}

const commands = {
  async connect ({ addr }) {
    await node.dial(multiaddr(addr))
    return {}
  },
  async provide ({ key, timeout }) {
    await within(timeout, signal => node.contentRouting.provide(CID.parse(key), { signal }))
    return {}
  },
  async findProviders ({ key, count, timeout }) {
    const providers = []
    const start = performance.now()
    let firstMs = null
    await within(timeout, async signal => {
      for await (const info of node.contentRouting.findProviders(CID.parse(key), { signal })) {
        if (firstMs == null) firstMs = performance.now() - start
        providers.push(peerJson(info))
        if (count != null && providers.length >= count) break
      }
    })
    return { providers, firstMs }
  },
  async findPeer ({ peerId, timeout }) {
    const info = await within(timeout, signal => node.peerRouting.findPeer(peerIdFromString(peerId), { signal }))
    return { peer: peerJson(info) }
  },
  async closest ({ key, timeout }) {
    const peers = []
    await within(timeout, async signal => {
      for await (const info of node.peerRouting.getClosestPeers(text.encode(key), { signal })) {
        peers.push(peerJson(info))
      }
    })
    return { peers }
  },
  async put ({ key, value, timeout }) {
    await within(timeout, signal => node.contentRouting.put(recordKey(key), text.encode(value), { signal }))
    return {}
  },
  async get ({ key, timeout }) {
    const value = await within(timeout, signal => node.contentRouting.get(recordKey(key), { signal }))
    return { value: utf8.decode(value), valueBase64: Buffer.from(value).toString('base64') }
  },
  async routingTable () {
    const peers = []
    for (const contact of node.services.dht.routingTable.kb.toIterable()) {
      peers.push(contact.peerId.toString())
    }
    return { peers }
  }
}

reply({
  event: 'ready',
  peerId: node.peerId.toString(),
  addrs: node.getMultiaddrs().map(a => a.toString())
})
serveCommands(node, commands)
