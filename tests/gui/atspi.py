#!/usr/bin/python3
"""Drive a GTK program through AT-SPI, as a person would: wait for text,
click buttons, type into entries, pick sidebar rows.  For the shell tests
(see lib-gui.sh); run with /usr/bin/python3, whose pyatspi the system has.

usage: atspi.py [--app NAME] [--timeout SECONDS] COMMAND ARGS...
  ping                  start the registry (before any program starts)
  wait NAME...          until each NAME is the name of some accessible
  contains TEXT...      until each TEXT is part of some accessible's name
  gone NAME             until no accessible has the name NAME
  click NAME [N]        the Nth (from 0) button named NAME: its click action
  type NAME TEXT        the text of the entry named NAME (TEXT "" empties it)
  select NAME           select the list row that holds a label named NAME
  dump                  ROLE<TAB>NAME of every named accessible, one a line
Exit 0 when done, 1 (with what was there on stderr) after the timeout."""
import argparse
import sys
import time

import pyatspi

STEP = 0.2


def app_root(name):
    for app in pyatspi.Registry.getDesktop(0):
        try:
            if app is not None and app.name == name:
                return app
        except Exception:
            pass
    return None


def walk(root, depth=0):
    """Every accessible under ROOT; a node that vanishes mid-walk is skipped."""
    if root is None or depth > 80:
        return
    yield root
    try:
        children = list(root)
    except Exception:
        return
    for child in children:
        yield from walk(child, depth + 1)


def safe(f, default=None):
    try:
        return f()
    except Exception:
        return default


def named(app, pred):
    return [a for a in walk(app) if pred(safe(lambda: a.name, "") or "", a)]


def button_named(n, name):
    """GTK 4.8 names a button with a mnemonic "_Save Save": both forms count."""
    plain = n.replace("_", "")
    return n == name or plain == name or plain == f"{name} {name}"


def role(a):
    return safe(lambda: a.getRoleName(), "")


def until(args, what, probe):
    """Run PROBE (given the app, or None) until it returns a true value."""
    end = time.monotonic() + args.timeout
    while True:
        app = app_root(args.app)
        got = probe(app) if app is not None else None
        if got:
            return got
        if time.monotonic() > end:
            print(f"atspi: timed out after {args.timeout}s waiting for {what}", file=sys.stderr)
            if app is not None:
                for line in dump(app)[:200]:
                    print("atspi:   " + line, file=sys.stderr)
            else:
                print(f"atspi: no application {args.app!r} on the bus", file=sys.stderr)
            sys.exit(1)
        time.sleep(STEP)


def dump(app):
    return [f"{role(a)}\t{(safe(lambda: a.name, '') or '')}".replace("\n", "\\n")
            for a in walk(app) if safe(lambda: a.name, "")]


def editable(a):
    for node in walk(a):
        e = safe(lambda: node.queryEditableText())
        if e is not None:
            return e
    return None


def main():
    p = argparse.ArgumentParser(add_help=True)
    p.add_argument("--app", default="inkan-viewer")
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("command")
    p.add_argument("rest", nargs="*")
    args = p.parse_args()
    cmd, rest = args.command, args.rest

    if cmd == "ping":
        pyatspi.Registry.getDesktop(0)
    elif cmd == "wait":
        until(args, " and ".join(map(repr, rest)),
              lambda app: all(named(app, lambda n, a, t=t: n == t) for t in rest))
    elif cmd == "contains":
        until(args, "text " + " and ".join(map(repr, rest)),
              lambda app: all(named(app, lambda n, a, t=t: t in n) for t in rest))
    elif cmd == "gone":
        until(args, f"{rest[0]!r} to go", lambda app: not named(app, lambda n, a: n == rest[0]))
    elif cmd == "click":
        index = int(rest[1]) if len(rest) > 1 else 0

        def click(app):
            buttons = [b for b in named(app, lambda n, a: button_named(n, rest[0]) and role(a) == "push button")
                       if safe(lambda b=b: b.getState().contains(pyatspi.STATE_SENSITIVE), False)]
            if len(buttons) <= index:
                return False
            action = buttons[index].queryAction()
            for i in range(action.nActions):
                if action.getName(i) == "click":
                    return action.doAction(i) or True
            return False
        until(args, f"a sensitive button {rest[0]!r}", click)
    elif cmd == "type":
        def type_(app):
            for a in named(app, lambda n, a: n == rest[0]):
                e = editable(a)
                if e is not None:
                    e.setTextContents(rest[1])
                    return True
            return False
        until(args, f"an entry {rest[0]!r}", type_)
    elif cmd == "select":
        def select(app):
            for label in named(app, lambda n, a: n == rest[0] and role(a) == "label"):
                row = label
                while row is not None and role(row) != "list item":
                    row = safe(lambda r=row: r.parent)
                if row is None:
                    continue
                sel = safe(lambda: row.parent.querySelection())
                if sel is not None and sel.selectChild(row.getIndexInParent()):
                    return True
            return False
        until(args, f"a row {rest[0]!r}", select)
    elif cmd == "dump":
        app = until(args, f"application {args.app!r}", lambda app: app)
        print("\n".join(dump(app)))
    else:
        p.error(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
