// A Wechaty puppet-service gateway serving the mock puppet, for the end-to-end tests of the wechaty transport.
//
// The python bot connects to it over the real gRPC protocol, as it would to a paid puppet service. The test drives
// the simulated WeChat through this process: one JSON command a line on stdin, one JSON event a line on stdout.
//
//   env: GATEWAY_PORT (listens on 127.0.0.1 only), WECHATY_PUPPET_SERVICE_TOKEN (insecure_…: no TLS on loopback)
//   in:  {"do": "login", "id", "name"}              the bot's own account logs in
//        {"do": "contact", "id", "name"}            a WeChat user exists
//        {"do": "room", "id", "topic", "members"}   a group exists
//        {"do": "say", "from", "room" | "to", "text", "mentions"}   a member speaks in a group or to the bot
//        {"do": "send_file", "from", "room" | "to", "name", "base64"}  a member sends a file: its name's extension
//                                                   makes it a picture (.png, .jpg), a voice message (.sil), a video…,
//                                                   or a file (.csv, .xlsx, .xls, .pdf, .txt, .doc)
//        {"do": "join" | "leave", "room", "contact"}
//        {"do": "admin", "admin": true | false}    whether the bot's account may remove members (default: true)
//   out: {"event": "ready"}                         listening
//        {"event": "client_started"}                the bot's puppet has started on this gateway
//        {"event": "done", "do"} / {"event": "error", "do", "error"}   each command's outcome
//        {"event": "bot_said", "room", "to", "text"}                  every message the bot sends
//        {"event": "bot_said", "room", "to", "file", "sha256"}       every file (picture) the bot sends
//        {"event": "bot_removed", "room", "contact"}                  every member the bot removes from a group

import { createHash } from 'node:crypto'
import readline from 'node:readline'
import { FileBox } from 'file-box'
import jspb from 'google-protobuf'
import * as PUPPET from 'wechaty-puppet'
import { PuppetServer } from 'wechaty-puppet-service'
import { PuppetMock, mock } from 'wechaty-puppet-mock'

const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n')

// google-protobuf, which wechaty-grpc's messages use, silently drops a lone UTF-16 surrogate from a string it
// writes; protobufjs, under many other gRPC services, writes it as three bytes, which is not UTF-8. The gateway
// writes strings the protobufjs way, so that the bot meets the bytes such a service sends: a member's text cut
// in the middle of an emoji by some service reaches the bot as such.
const writeString = jspb.BinaryWriter.prototype.writeString
jspb.BinaryWriter.prototype.writeString = function (field, value) {
  if (!/[\ud800-\udfff]/.test(value ?? '')) {
    return writeString.call(this, field, value)
  }
  const bytes = []
  for (const character of value) { // one code point, or one lone surrogate, at a time
    const point = character.codePointAt(0)
    bytes.push(...(point >= 0xd800 && point <= 0xdfff
      ? [0xe0 | (point >> 12), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f)]
      : Buffer.from(character)))
  }
  this.writeBytes(field, Uint8Array.from(bytes)) // the same bytes on the wire as a string field's
}

const mocker = new mock.Mocker()
const puppet = new PuppetMock({ mocker })
let botId

// The mock's messageImage() is a stub that returns a QR code whatever was sent: hand over the picture itself, as a
// real service does.
puppet.messageImage = (messageId) => puppet.messageFile(messageId)

// The mock makes a file message (an attachment) only of .txt, .doc and .pdf, and of any other document a message
// of unknown type; WeChat sends every document as an attachment, an order export's .csv and .xlsx too.
const DOCUMENT = /\.(csv|xlsx|xls)$/i
const createMessage = mocker.MessageMock.create.bind(mocker.MessageMock)
mocker.MessageMock.create = (payload) => {
  const file = mocker.cacheFileBoxPayload.get(payload.id)
  const document = file && DOCUMENT.test(FileBox.fromJSON(file).name)
  return createMessage(document ? { ...payload, type: PUPPET.types.Message.Attachment } : payload)
}

// The mock delivers what the bot says as a message from the bot's account: that is how the test sees it.
puppet.on('message', async ({ messageId }) => {
  const message = mocker.messagePayload(messageId)
  if (message.talkerId !== botId) {
    return
  }
  const said = { event: 'bot_said', room: message.roomId || null, to: message.listenerId || null }
  const file = mocker.cacheFileBoxPayload.get(messageId)
  if (file) {
    const box = FileBox.fromJSON(file)
    emit({ ...said, file: box.name, sha256: createHash('sha256').update(await box.toBuffer()).digest('hex') })
  } else {
    emit({ ...said, text: message.text })
  }
})
puppet.on('start', () => emit({ event: 'client_started' }))

// The mock's roomDel only logs: the test is told whom the bot removed, and a non-admin account is refused.
let admin = true
const roomDel = puppet.roomDel.bind(puppet)
puppet.roomDel = async (roomId, contactId) => {
  if (!admin) throw new Error('not the owner or an admin of this room')
  emit({ event: 'bot_removed', room: roomId, contact: contactId })
  return roomDel(roomId, contactId)
}

// Told to stall (`{"do": "stall_sends"}`), the gateway delivers what the bot says but never answers the send: a
// service that dies right after delivering, before its answer is on the wire. Without it, a test that kills the
// gateway when a message arrives races the answer already on its way, and sometimes the bot hears it.
let stallSends = false
const messageSendText = puppet.messageSendText.bind(puppet)
puppet.messageSendText = async (...args) => {
  const id = await messageSendText(...args)
  if (stallSends) await new Promise(() => {})
  return id
}

const server = new PuppetServer({
  endpoint: `127.0.0.1:${process.env.GATEWAY_PORT}`,
  puppet,
  token: process.env.WECHATY_PUPPET_SERVICE_TOKEN,
})
await server.start()
emit({ event: 'ready' })

const contact = (id) => mocker.ContactMock.load(id)
const room = (id) => mocker.RoomMock.load(id)
const commands = {
  login: (c) => { botId = c.id; mocker.login(mocker.createContact({ id: c.id, name: c.name })) },
  contact: (c) => mocker.createContact({ id: c.id, name: c.name }),
  room: (c) => mocker.createRoom({ id: c.id, topic: c.topic, memberIdList: c.members }),
  say: (c) => contact(c.from).say(c.text, (c.mentions || []).map(contact)).to(c.room ? room(c.room) : contact(c.to)),
  send_file: (c) => contact(c.from).say(FileBox.fromBase64(c.base64, c.name)).to(c.room ? room(c.room) : contact(c.to)),
  join: (c) => room(c.room).add(contact(c.contact)).by(contact(botId)),
  leave: (c) => room(c.room).remove(contact(c.contact)).by(contact(botId)),
  admin: (c) => { admin = c.admin },
  stall_sends: () => { stallSends = true },
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line)
  try {
    commands[command.do](command)
    emit({ event: 'done', do: command.do })
  } catch (error) {
    emit({ event: 'error', do: command.do, error: String(error) })
  }
}).on('close', async () => {
  await server.stop()
  process.exit(0)
})
