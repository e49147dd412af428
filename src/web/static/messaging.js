// The Messaging page's live counter: characters and SMS as the backends will split the text
// (GSM 7-bit when every character fits, else UCS-2), by the same code the server uses.
import { countSegments } from './segments.js'

const text = document.getElementById('id_text')
const counter = document.getElementById('segment-counter')
if (text && counter) {
  const update = () => {
    const count = countSegments(text.value)
    counter.textContent = `${count.characters} character${count.characters === 1 ? '' : 's'} · ${count.segments} SMS (${count.encoding}) · ${count.remaining} left in this SMS`
  }
  text.addEventListener('input', update)
  update()
}
