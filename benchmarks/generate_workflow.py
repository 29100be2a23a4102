#!/usr/bin/env python3
"""Writes a valid workflow of N states (default 2,000) for the validation benchmark.

The states form a chain of human states with guards, set values and timed exits, every
tenth state an auto state with choose rules, and a parallel state every 200 states, so
that every part of the validator has work to do."""
import sys

def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    out = []
    w = out.append
    w("id: bench-large\nversion: 1\ntitle: Generated workflow\n")
    w("agencies:\n  mairie: { name: Mairie }\n  prefecture: { name: Préfecture }\n")
    w("roles:\n  agent: { agency: mairie }\n  chef: { agency: prefecture }\n")
    w("queues:\n  instruction: { role: agent, sla: 10d }\n  controle: { role: [chef, agent], sla: 5bd }\n")
    w("fields:\n")
    w("  dossier.montant: { type: decimal, min: 0 }\n  dossier.etape: { type: int, min: 0 }\n")
    w("  dossier.statut: { type: enum, values: [ouvert, complet, incomplet] }\n  dossier.date: { type: date }\n")
    w("exceptions:\n  anomalie: { title: Anomalie, queue: controle, sla: 2d }\n")
    w("escalation: { queue: controle }\nstart: s0\nstates:\n")
    for i in range(count - 1):
        nxt = f"s{i + 1}"
        if i % 200 == 199:
            w(f"  s{i}:\n    tracks:\n")
            for t in ("a", "b"):
                w(f"      {t}:\n        agency: mairie\n        start: etude\n        states:\n")
                w("          etude:\n            queue: instruction\n            on:\n              valider: { to: fait }\n")
                w("          fait: { final: true }\n")
            w(f"    next: {nxt}\n    sla: 1mo\n")
        elif i % 10 == 9:
            w(f"  s{i}:\n    choose:\n")
            w(f"      - when: 'dossier.montant > {i} and dossier.statut == \"complet\"'\n        to: {nxt}\n")
            w("      - when: 'exists(dossier.date) and dossier.date + 6mo < today()'\n        escalate: anomalie\n")
            w(f"    otherwise: {{ to: {nxt} }}\n")
        else:
            w(f"  s{i}:\n    queue: instruction\n    on:\n")
            w(f"      avancer: {{ to: {nxt}, when: 'dossier.etape >= {i % 7}', set: {{ dossier.etape: 'dossier.etape + 1' }} }}\n")
            w("      signaler: { escalate: anomalie, note: required }\n")
            w(f"    after: [{{ delay: 30d, to: {nxt} }}]\n")
    w(f"  s{count - 1}: {{ final: true, outcome: accepted }}\n")
    sys.stdout.write("".join(out))

main()
