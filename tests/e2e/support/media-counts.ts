import type { Page } from '@playwright/test'

/** Counts what a reconnect could leak: peer connections, audio contexts and live media tracks. */
export function instrumentMediaObjects(): void {
  const peers = new Set<RTCPeerConnection>()
  const contexts = new Set<AudioContext>()
  const NativePeer = window.RTCPeerConnection
  window.RTCPeerConnection = class extends NativePeer {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args)
      peers.add(this)
    }
  } as typeof RTCPeerConnection
  const NativeAudioContext = window.AudioContext
  window.AudioContext = class extends NativeAudioContext {
    constructor(...args: ConstructorParameters<typeof AudioContext>) {
      super(...args)
      contexts.add(this)
    }
  } as typeof AudioContext
  ;(window as unknown as { __mediaCounts: () => unknown }).__mediaCounts = () => {
    const tracks = new Set<MediaStreamTrack>()
    for (const peer of peers) {
      for (const receiver of peer.getReceivers())
        if (receiver.track.readyState === 'live') tracks.add(receiver.track)
      for (const sender of peer.getSenders())
        if (sender.track?.readyState === 'live') tracks.add(sender.track)
    }
    const video = document.getElementById('avatar-video') as HTMLVideoElement | null
    for (const track of (video?.srcObject as MediaStream | null)?.getTracks() ?? []) {
      if (track.readyState === 'live') tracks.add(track)
    }
    return {
      peerConnections: [...peers].filter((peer) => peer.connectionState !== 'closed').length,
      audioContexts: [...contexts].filter((context) => context.state !== 'closed').length,
      mediaStreamTracks: tracks.size,
    }
  }
}

export interface MediaCounts {
  peerConnections: number
  audioContexts: number
  mediaStreamTracks: number
}

export async function mediaCounts(page: Page): Promise<MediaCounts> {
  return page.evaluate(() => (window as unknown as { __mediaCounts: () => MediaCounts }).__mediaCounts())
}
