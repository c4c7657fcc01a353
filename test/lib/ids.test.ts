import t from 'tap'
import { TypeID } from 'typeid-js'
import { declareIdPrefixes, newId, newIds, newTypeId } from '../../src/lib/ids.js'

declareIdPrefixes('ids test', { idsTestThing: 'idtst' })

t.test('ids are TypeIDs over UUIDv7 that typeid-js parses back', async (t) => {
  const before = Date.now()
  const ids = [...newIds('idsTestThing', 3000), newId('idsTestThing')]
  const after = Date.now()
  for (const id of ids) {
    const parsed = TypeID.fromString(id)
    if (parsed.getType() !== 'idtst' || parsed.toString() !== id) t.fail(`${id} does not round-trip`)
    const uuid = parsed.toUUID()
    if (uuid[14] !== '7' || !'89ab'.includes(uuid[19]!)) t.fail(`${uuid} is not a version 7, RFC variant UUID`)
    const ms = Number.parseInt(uuid.replaceAll('-', '').slice(0, 12), 16)
    // The counter may carry into the next millisecond when one millisecond has used it all up.
    if (ms < before || ms > after + 1) t.fail(`${id} carries ${ms}, outside ${before}–${after}`)
  }
  t.pass(`${ids.length} ids parsed`)
})

t.test('ids of a process are strictly increasing, also within one millisecond', async (t) => {
  const ids = newIds('idsTestThing', 20_000)
  let ordered = true
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) ordered = false
  t.ok(ordered, 'each id sorts after the one before')
  t.equal(new Set(ids).size, ids.length, 'no id repeats')
  t.ok(newId('idsTestThing') > ids[ids.length - 1]!, 'newId and newIds share one sequence')
})

t.test('an undeclared kind is refused', async (t) => {
  t.throws(() => newIds('noSuchKind', 1), /no module declares the id kind noSuchKind/)
})

t.test('request ids come from the same generator, in the form typeid-js writes', async (t) => {
  const ids = Array.from({ length: 2_000 }, () => newTypeId('req'))
  for (const id of [ids[0]!, ids[1_999]!]) {
    const parsed = TypeID.fromString(id)
    t.equal(TypeID.fromUUID('req', parsed.toUUID()).toString(), id, 'the same encoding as typeid-js')
  }
  t.ok(
    ids.every((id, i) => /^req_[0-7][0-9a-hjkmnp-tv-z]{25}$/.test(id) && (i === 0 || id > ids[i - 1]!)),
    'prefix, 26 base32 digits, strictly increasing',
  )
})
