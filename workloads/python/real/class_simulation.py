"""Class-heavy agent simulation with a spatial hash and reference cycles.

Python lifecycle represented: an object-oriented simulation.  Agents are plain
class instances (several attributes set in __init__) that are born, move, eat,
interact and die every tick; they live up to 60 ticks, so most reach the
GC's oldest generation before they die.  Every agent is in reference cycles:
with its __slots__ Memory component (owner back-reference), with its parent
(child.parent / parent.children), and often with the partners its Memory
links to.  Dead agents are therefore reclaimed by the cyclic GC, not by reference
counting.  Food pellets are __slots__ objects that live until eaten.  Each
tick the spatial hash (dict of (cx, cy) tuples -> lists of agents) is rebuilt
(short-lived tuples and lists) and interactions create short-lived dataclass
records, the latest 400 kept in a deque.  A per-tick dataclass summary is kept
for the whole run (long-lived, slowly growing).

One unit of --scale is 10 simulation ticks (about 10 ms); default 100.
"""
import argparse
import random
from collections import deque
from dataclasses import dataclass

SIZE, CELL = 200.0, 10.0
TICKS_PER_SCALE = 10
CAPACITY, BIRTH_ENERGY, MAX_AGE = 1500, 12.0, 60


class Agent:
    def __init__(self, ident, x, y, energy, parent=None):
        self.id = ident
        self.x, self.y = x, y
        self.energy = energy
        self.age = 0
        self.alive = True
        self.parent = parent          # back-reference: child -> parent
        self.children = []            # forward references: parent -> children
        self.memory = Memory(self)    # component with an owner back-reference
        if parent is not None:
            parent.children.append(self)

    def move(self, rng):
        self.x = (self.x + rng.uniform(-3.0, 3.0)) % SIZE
        self.y = (self.y + rng.uniform(-3.0, 3.0)) % SIZE
        self.energy -= 0.35
        self.age += 1

    def cell(self):
        return (int(self.x // CELL), int(self.y // CELL))

    def die(self):
        self.alive = False
        for child in self.children:   # live children forget us; dead ones keep the cycle
            if child.alive:
                child.parent = None


class Memory:
    """A __slots__ component: owner <-> memory is a cycle, and partners link agents."""
    __slots__ = ("owner", "partners")

    def __init__(self, owner):
        self.owner = owner
        self.partners = []

    def remember(self, other):
        self.partners.append(other)
        if len(self.partners) > 3:
            del self.partners[0]


class Food:
    __slots__ = ("x", "y", "energy")

    def __init__(self, x, y, energy):
        self.x, self.y, self.energy = x, y, energy


@dataclass
class Interaction:
    tick: int
    giver: int
    taker: int
    amount: float


@dataclass
class TickStats:
    tick: int
    population: int
    births: int
    deaths: int
    food: int


def step(tick, rng, agents, food, recent, next_id):
    for _ in range(240):                      # new food lands in random cells
        pellet = Food(rng.uniform(0, SIZE), rng.uniform(0, SIZE), rng.uniform(1.0, 4.0))
        food.setdefault((int(pellet.x // CELL), int(pellet.y // CELL)), []).append(pellet)
    grid = {}
    for agent in agents:
        agent.move(rng)
        grid.setdefault(agent.cell(), []).append(agent)
    for key, members in grid.items():
        pellets = food.get(key)
        for agent in members:
            if pellets:
                agent.energy += pellets.pop().energy
        for a, b in zip(members[::2], members[1::2]):   # neighbours share energy
            giver, taker = (a, b) if a.energy > b.energy else (b, a)
            amount = round((giver.energy - taker.energy) * 0.25, 6)
            giver.energy -= amount
            taker.energy += amount
            giver.memory.remember(taker)
            taker.memory.remember(giver)
            recent.append(Interaction(tick, giver.id, taker.id, amount))
    survivors, births, deaths = [], 0, 0
    for agent in agents:
        if agent.energy <= 0 or agent.age > MAX_AGE:
            agent.die()
            deaths += 1
            continue
        survivors.append(agent)
        if agent.energy > 2 * BIRTH_ENERGY and len(agents) + births < CAPACITY:
            agent.energy -= BIRTH_ENERGY
            survivors.append(Agent(next_id + births, agent.x, agent.y, BIRTH_ENERGY, agent))
            births += 1
    pellets = sum(len(p) for p in food.values())
    return survivors, TickStats(tick, len(survivors), births, deaths, pellets)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100,
                        help=f"number of {TICKS_PER_SCALE}-tick rounds (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be a positive integer")

    rng = random.Random(args.seed)
    agents = [Agent(i, rng.uniform(0, SIZE), rng.uniform(0, SIZE), rng.uniform(5, 20))
              for i in range(CAPACITY // 2)]
    next_id = len(agents)
    food, recent, history = {}, deque(maxlen=400), []
    for tick in range(args.scale * TICKS_PER_SCALE):
        agents, stats = step(tick, rng, agents, food, recent, next_id)
        next_id += stats.births
        history.append(stats)
        if not agents:
            break

    checksum = sum(a.id * 31 + round(a.energy * 1000) for a in agents) % (1 << 32)
    globals()["PYMEMBENCH_OPS"] = len(history)  # the ops pymembench's python workload counts
    print(f"ticks: {len(history)}  agents created: {next_id}  final population: {len(agents)}")
    print(f"births: {sum(s.births for s in history)}  deaths: {sum(s.deaths for s in history)}"
          f"  peak population: {max(s.population for s in history)}")
    print(f"food left: {history[-1].food}  oldest agent age: {max((a.age for a in agents), default=0)}")
    print(f"last interaction: {recent[-1] if recent else None}")
    print(f"checksum: {checksum:08x}")


if __name__ == "__main__":
    main()
