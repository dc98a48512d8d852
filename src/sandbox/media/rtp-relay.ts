import { createSocket, type Socket } from 'node:dgram'
import type { MediaStreamTrack } from 'werift'

/** RTCP packet types 200-207 (SR, RR, SDES, BYE, APP, ...): ffmpeg's reports, which no one here needs. */
function isRtcp(packet: Buffer): boolean {
  const type = packet[1] ?? 0
  return type >= 200 && type <= 207
}

/** Receives an encoder's RTP on a loopback port and hands each packet to the current WebRTC track. */
export class RtpRelay {
  target: MediaStreamTrack | undefined

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (packet) => {
      if (packet.length < 12 || isRtcp(packet)) return
      this.target?.writeRtp(packet)
    })
  }

  static open(): Promise<RtpRelay> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4')
      socket.once('error', reject)
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject)
        socket.on('error', () => {})
        resolve(new RtpRelay(socket, socket.address().port))
      })
    })
  }

  close(): void {
    this.target = undefined
    try {
      this.socket.close()
    } catch {
      // already closed
    }
  }
}
