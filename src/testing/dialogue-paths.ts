import { fromTransition, getStateNodes, type AnyStateNode, type AnyTransitionDefinition } from 'xstate'
import { getShortestPaths, toDirectedGraph, type DirectedGraphNode } from 'xstate/graph'
import { beginSession, dueTimers, restore, stepSession, type SessionLimits, type SessionState, type SessionStatus } from '../contrib/dialogues/engine.js'
import type { Dialogue } from '../contrib/dialogues/define.js'
import { REPLY, STOPPED, type AskMeta } from '../contrib/dialogues/helpers.js'
import { render } from '../contrib/dialogues/texts.js'

/** One event of a path: a reply from the person, a stop word, or time moving on to the next timer. */
export type PathEvent = { type: 'reply'; text: string } | { type: 'stop' } | { type: 'time' }

/** What the chart says a step of a path does. */
export interface PathStep {
  event: PathEvent | { type: 'start' }
  /** For a time step: how far the clock moves (to the next timer). */
  ms?: number
  /** The texts the step sends, in order (rendered in the language of the run). */
  sends: string[]
  /** The state after the step (dotted), and the session's status. */
  after: string
  status: SessionStatus
  /** The chart's transitions the step takes (ids as `coverage` lists them). */
  transitions: string[]
  /** The chart's state nodes active after the step (ids). */
  states: string[]
}

/** A path through a dialogue: the events from its start, and what the chart says each does. */
export interface DialoguePath {
  events: PathEvent[]
  steps: PathStep[]
}

/** How much of the chart the paths reach. */
export interface Coverage {
  states: { covered: string[]; all: string[] }
  transitions: { covered: string[]; all: string[] }
  /** State nodes no path reaches. */
  unreachable: string[]
}

interface ModelState {
  session: SessionState
  status: SessionStatus
  now: number
}

/** The texts a path test sends: the trigger, the stop word, the language replies are rendered in. */
export interface PathTexts {
  trigger: string
  stopWord: string
  language: string
}

/**
 * Every chart state node (but the root) and transition (with its own id:
 * `<source id>:<event>:<index>`), from `toDirectedGraph`.
 */
export function chartOf(dialogue: Dialogue): { states: string[]; transitions: Map<AnyTransitionDefinition, string> } {
  const states: string[] = []
  const transitions = new Map<AnyTransitionDefinition, string>()
  const walk = (node: DirectedGraphNode, root: boolean) => {
    if (!root) states.push(node.id)
    const seen = new Map<string, number>()
    for (const edge of node.edges) {
      if (transitions.has(edge.transition)) continue
      const n = seen.get(edge.label.text) ?? 0
      seen.set(edge.label.text, n + 1)
      transitions.set(edge.transition, `${node.id}:${edge.label.text}:${n}`)
    }
    for (const child of node.children) walk(child, false)
  }
  walk(toDirectedGraph(dialogue.machine), true)
  return { states, transitions }
}

/** The ids of the state nodes active in a stored session (leaves and their ancestors). */
function activeStates(dialogue: Dialogue, session: SessionState): string[] {
  const ids = new Set<string>()
  for (const leaf of getStateNodes(dialogue.machine.root, session.snapshot.value as never)) {
    for (let node: AnyStateNode | undefined = leaf; node && node !== dialogue.machine.root; node = node.parent) ids.add(node.id)
  }
  return [...ids]
}

/** The replies an ask (or a state's `meta.examples`) offers a path test, valid first. */
function examplesOf(dialogue: Dialogue, session: SessionState): string[] {
  const snapshot = restore(dialogue.machine, session)
  if ('failure' in snapshot) return []
  const texts: string[] = []
  for (const meta of Object.values(snapshot.getMeta() as Record<string, Partial<AskMeta> & { examples?: string[] }>)) {
    if (meta?.ask) texts.push(...meta.ask.examples.valid, ...meta.ask.examples.invalid)
    if (Array.isArray(meta?.examples)) texts.push(...meta.examples)
  }
  return [...new Set(texts)]
}

/**
 * Apply one path event to the model (the engine's own stepping, the outcome of each step
 * kept): what the runtime does with a reply, a stop word, or the clock moving to the next
 * timer (its due timers fire in order; an expiry that came makes the others moot).
 */
function apply(dialogue: Dialogue, limits: SessionLimits, model: ModelState, event: PathEvent, transitions: Map<AnyTransitionDefinition, string>): { model: ModelState; step: Omit<PathStep, 'sends'> & { texts: ReturnType<typeof stepSession>['sends'] } } {
  const taken: string[] = []
  const texts: ReturnType<typeof stepSession>['sends'] = []
  const take = (session: SessionState, xstateEvent: { type: string; [key: string]: unknown }) => {
    const snapshot = restore(dialogue.machine, session)
    if (!('failure' in snapshot)) for (const t of dialogue.machine.getTransitionData(snapshot, xstateEvent as never)) taken.push(transitions.get(t) ?? `${t.source.id}:${t.eventType}`)
  }
  let { session, status, now } = model
  let ms: number | undefined
  if (event.type === 'time') {
    const at = Math.min(...session.timers.map((t) => t.at))
    ms = at - now
    now = at
    for (const timer of dueTimers(session, now)) {
      take(session, timer.event)
      const outcome = stepSession(dialogue, session, timer.event, now, limits)
      texts.push(...outcome.sends)
      ;[session, status] = [outcome.state, outcome.status]
      if (status !== 'active') break
    }
  } else {
    const xstateEvent = event.type === 'stop' ? { type: STOPPED } : { type: REPLY, text: event.text }
    take(session, xstateEvent)
    const outcome = stepSession(dialogue, session, xstateEvent, now, limits)
    texts.push(...outcome.sends)
    ;[session, status] = [outcome.state, outcome.status]
  }
  return {
    model: { session, status, now },
    step: { event, ...(ms !== undefined && { ms }), texts, after: stateKeyOf(session), status, transitions: taken, states: status === 'active' || status === 'completed' ? activeStates(dialogue, session) : [] },
  }
}

function stateKeyOf(session: SessionState): string {
  const value = session.snapshot.value
  const key = (v: unknown): string => (typeof v === 'string' ? v : Object.entries(v as Record<string, unknown>).map(([k, c]) => { const inner = key(c); return inner ? `${k}.${inner}` : k }).join(','))
  return key(value)
}

/**
 * Replay a path's events from a start at `now`: what the chart says each step sends and
 * where it ends (the expected outcome of running the path on a host at that time).
 */
export function replayPath(dialogue: Dialogue, limits: SessionLimits, events: PathEvent[], now: number, texts: PathTexts, transitions = chartOf(dialogue).transitions): PathStep[] {
  const begun = beginSession(dialogue, undefined, now, limits)
  const steps: PathStep[] = [{ event: { type: 'start' }, sends: begun.sends.map((t) => render(t, texts.language)), after: begun.after, status: begun.status, transitions: [], states: activeStates(dialogue, begun.state) }]
  let model: ModelState = { session: begun.state, status: begun.status, now }
  for (const event of events) {
    const { model: next, step } = apply(dialogue, limits, model, event, transitions)
    const { texts: said, ...rest } = step
    steps.push({ ...rest, sends: said.map((t) => render(t, texts.language)) })
    model = next
  }
  return steps
}

/**
 * Paths through a dialogue derived from its chart with xstate's graph functions: the
 * shortest path to every state and through every transition (delayed ones too: time moves
 * on to the next timer), with replies made of the examples its asks declare, and stop words.
 * The model is the runtime's own: the pure session engine.
 */
export function dialoguePaths(dialogue: Dialogue, limits: SessionLimits, texts: PathTexts, now = 0): { paths: DialoguePath[]; coverage: Coverage } {
  const { states, transitions } = chartOf(dialogue)
  const begun = beginSession(dialogue, undefined, now, limits)
  const logic = fromTransition((model: ModelState, event: PathEvent) => apply(dialogue, limits, model, event, transitions).model, { session: begun.state, status: begun.status, now })
  const eventsAt = (model: ModelState): PathEvent[] => {
    if (model.status !== 'active') return []
    const events: PathEvent[] = examplesOf(dialogue, model.session).map((text) => ({ type: 'reply', text }))
    events.push({ type: 'stop' })
    if (model.session.timers.length) events.push({ type: 'time' })
    return events
  }
  const shortest = getShortestPaths(logic, {
    events: (snapshot) => eventsAt(snapshot.context as ModelState),
    serializeState: (snapshot) => {
      const { session, status, now: at } = snapshot.context as ModelState
      return JSON.stringify([status, session.snapshot.value, session.snapshot.context, session.timers.map((t) => [t.id, t.at - at])])
    },
    serializeEvent: (event) => JSON.stringify(event),
  })
  // What each shortest path reaches. A transition back to the same state (an invalid answer)
  // is on no shortest path: the shortest path to its source and that event take it.
  const candidate = (events: PathEvent[]) => {
    const steps = replayPath(dialogue, limits, events, now, texts, transitions)
    return { events, steps, states: new Set(steps.flatMap((s) => s.states)), transitions: new Set(steps.flatMap((s) => s.transitions)) }
  }
  const reached = shortest.map((path) => ({ events: path.steps.map((s) => s.event as PathEvent).filter((e) => e.type !== ('xstate.init' as string)), model: path.state.context as ModelState }))
  const candidates = reached.map((r) => candidate(r.events))
  const onPaths = new Set(candidates.flatMap((c) => [...c.transitions]))
  for (const { events, model } of reached) {
    for (const event of eventsAt(model)) {
      const { step } = apply(dialogue, limits, model, event, transitions)
      if (step.transitions.some((t) => !onPaths.has(t))) {
        const extended = candidate([...events, event])
        candidates.push(extended)
        for (const t of extended.transitions) onPaths.add(t)
      }
    }
  }
  candidates.sort((a, b) => a.events.length - b.events.length)
  const chosen = new Set<(typeof candidates)[number]>()
  const coveredStates = new Set<string>()
  const coveredTransitions = new Set<string>()
  for (const id of states) {
    const path = candidates.find((c) => c.states.has(id))
    if (path) chosen.add(path), coveredStates.add(id)
  }
  for (const id of transitions.values()) {
    const path = candidates.find((c) => c.transitions.has(id))
    if (path) chosen.add(path), coveredTransitions.add(id)
  }
  // A path that another chosen path starts with adds nothing.
  const list = [...chosen]
  const isPrefix = (a: PathEvent[], b: PathEvent[]) => a.length < b.length && a.every((e, i) => JSON.stringify(e) === JSON.stringify(b[i]))
  const paths = list.filter((p) => !list.some((q) => q !== p && isPrefix(p.events, q.events))).map(({ events, steps }) => ({ events, steps }))
  return {
    paths,
    coverage: {
      states: { covered: states.filter((s) => coveredStates.has(s)), all: states },
      transitions: { covered: [...transitions.values()].filter((t) => coveredTransitions.has(t)), all: [...transitions.values()] },
      unreachable: states.filter((s) => !coveredStates.has(s)),
    },
  }
}

/** A duration as a script's `...` line writes it: `24h`, `1h 30m`, `3d`. */
export function formatDuration(ms: number): string {
  // Hours up to a week (`72h` reads better than `3d` next to a 72-hour expiry), days beyond.
  const units: [string, number][] = [...(ms >= 604_800_000 ? [['d', 86_400_000] as [string, number]] : []), ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]]
  const parts: string[] = []
  let rest = ms
  for (const [unit, size] of units) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`), (rest %= size)
  }
  return parts.join(' ') || '0ms'
}

/** A path as a conversation script (`IDENTITY > text`, `IDENTITY < reply`, `... 24h`) to read, keep and run strictly. */
export function pathScript(title: string, steps: PathStep[], identity: string, texts: PathTexts): string {
  const lines = [`# ${title}`]
  const quote = (text: string) => (text === text.trim() && text !== '' && !text.startsWith('"') ? text : JSON.stringify(text))
  for (const step of steps) {
    if (step.event.type === 'start') lines.push(`${identity} > ${texts.trigger}`)
    else if (step.event.type === 'reply') lines.push(`${identity} > ${quote(step.event.text)}`)
    else if (step.event.type === 'stop') lines.push(`${identity} > ${texts.stopWord}`)
    else lines.push(`... ${formatDuration(step.ms!)}`)
    for (const text of step.sends) lines.push(`${identity} < ${quote(text)}`)
  }
  const last = steps.at(-1)!
  lines.push(`# ends ${last.status === 'active' ? `waiting in ${last.after}` : `${last.status} (in ${last.after})`}`)
  return `${lines.join('\n')}\n`
}
