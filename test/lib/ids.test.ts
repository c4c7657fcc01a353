import t from 'tap'
import { TypeID } from 'typeid-js'
import { newTypeId } from '../../src/lib/ids.js'

t.test('newTypeId makes TypeIDs over UUIDv7 that typeid-js reads back identically', async (t) => {
  const before = Date.now()
  const ids = Array.from({ length: 20_000 }, () => newTypeId('req'))
  const after = Date.now()
  for (const id of [ids[0]!, ids[9_999]!, ids[19_999]!]) {
    const parsed = TypeID.fromString(id)
    t.equal(parsed.getType(), 'req')
    t.equal(TypeID.fromUUID('req', parsed.toUUID()).toString(), id, 'the same encoding as typeid-js')
    const hex = parsed.toUUID().replace(/-/g, '')
    t.equal(hex[12], '7', 'version 7')
    t.match(hex[16], /[89ab]/, 'RFC 9562 variant')
    const ms = Number.parseInt(hex.slice(0, 12), 16)
    // A full counter borrows the next millisecond, so the stamp may run slightly ahead.
    t.ok(ms >= before && ms <= after + 20, 'the timestamp is the creation time')
  }
  t.equal(new Set(ids).size, ids.length, 'no duplicates')
  t.ok(
    ids.every((id, i) => i === 0 || id > ids[i - 1]!),
    'strictly increasing within a process, even many in one millisecond',
  )
  t.ok(
    ids.every((id) => /^req_[0-7][0-9a-hjkmnp-tv-z]{25}$/.test(id)),
    'prefix, then 26 base32 digits',
  )
})
