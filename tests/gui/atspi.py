#!/usr/bin/python3
"""Drive a GTK program through AT-SPI, as a person would: wait for text,
click buttons, type into entries, pick list rows and drop-down items.  For
the shell tests of the viewer (lib-gui.sh) and the kiosk (kiosk/lib-kiosk.sh);
run with /usr/bin/python3, whose pyatspi the system has.

usage: atspi.py [--app NAME] [--timeout SECONDS] [--showing] COMMAND ARGS...
  ping                  start the registry (before any program starts)
  wait NAME...          until each NAME is the name of some accessible
  contains TEXT...      until each TEXT is part of some accessible's name
  gone NAME             until no accessible has the name NAME
  button NAME           until a sensitive button named NAME is there
  click NAME [N]        the Nth (from 0) sensitive button (or toggle) named NAME: click it
  type NAME [TEXT]      the text of the entry named NAME (TEXT "" empties it; no TEXT:
                        the first line of standard input, for PINs)
  select NAME           select the list row that holds a label named NAME
  choose NAME ITEM      pick ITEM in the drop-down named NAME
  dump                  ROLE<TAB>NAME of every named accessible, one a line
  under NAME            the same, below the accessible named NAME (a list: its rows)
--showing: only what is on screen counts (GTK 4.8 reports the widgets of a
stack's hidden pages as visible: what is not on screen has no size).
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


# Nothing a person reads is inside these; leaving them out keeps a walk
# (a D-Bus round trip a node) short.
LEAVES = {"scroll bar", "image", "separator"}


SHOWING_ONLY = False


def on_screen(a):
    if not a.getState().contains(pyatspi.STATE_VISIBLE):
        return False
    e = a.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    return e.width > 0 and e.height > 0


def walk(root, depth=0):
    """Every accessible under ROOT (with --showing: those on screen); a node
    that vanishes mid-walk is skipped."""
    if root is None or depth > 80:
        return
    # Not a cut: a stack's pages are accessibles with no size of their own
    # above widgets that have one.  The application has none either.
    if not SHOWING_ONLY or depth == 0 or safe(lambda: on_screen(root), False):
        yield root
    r = role(root)
    if r in LEAVES:
        return
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


# Buttons, toggles (an expander's title), check boxes: what a person clicks.
CLICKABLE = {"push button", "toggle button", "check box", "radio button", "button"}


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


def sensitive_buttons(app, name):
    return [b for b in named(app, lambda n, a: button_named(n, name) and role(a) in CLICKABLE)
            if safe(lambda b=b: b.getState().contains(pyatspi.STATE_SENSITIVE), False)]


def press(button):
    action = button.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate", "toggle"):
            return action.doAction(i) or True
    return False


def choose(app, name, item):
    """GTK 4.8's drop-down offers no selection through AT-SPI, and selecting
    in its popup list does not pick: open it and pick with the keys, as a
    person at the keyboard would."""
    KEY_HOME, KEY_DOWN, KEY_RETURN = 0xff50, 0xff54, 0xff0d
    for combo in named(app, lambda n, a: n == name and role(a) == "combo box"):
        shown = [a for a in walk(combo) if role(a) == "label" and safe(lambda a=a: a.name) == item]
        rows = [a for a in walk(combo) if role(a) == "list item"]
        if shown and not rows:
            return True
        if not rows:
            toggle = [a for a in walk(combo) if role(a) in CLICKABLE]
            if toggle:
                press(toggle[0])
            return False
        labels = [next((safe(lambda c=c: c.name) for c in walk(r) if role(c) == "label"), None) for r in rows]
        if item not in labels:
            return False
        for key in [KEY_HOME] + [KEY_DOWN] * labels.index(item) + [KEY_RETURN]:
            pyatspi.Registry.generateKeyboardEvent(key, None, pyatspi.KEY_SYM)
            time.sleep(0.1)
        return False
    return False


def main():
    p = argparse.ArgumentParser(add_help=True)
    p.add_argument("--app", default="inkan-viewer")
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("--showing", action="store_true")
    p.add_argument("command")
    p.add_argument("rest", nargs="*")
    args = p.parse_args()
    cmd, rest = args.command, args.rest
    global SHOWING_ONLY
    SHOWING_ONLY = args.showing

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
    elif cmd in ("click", "button"):
        index = int(rest[1]) if len(rest) > 1 else 0

        def click(app):
            buttons = sensitive_buttons(app, rest[0])
            if len(buttons) <= index:
                return False
            return cmd == "button" or press(buttons[index])
        until(args, f"a sensitive button {rest[0]!r}", click)
    elif cmd == "type":
        # A PIN comes on standard input, never on a command line.
        text = rest[1] if len(rest) > 1 else sys.stdin.readline().rstrip("\n")

        def type_(app):
            for a in named(app, lambda n, a: n == rest[0]):
                e = editable(a)
                if e is not None:
                    e.setTextContents(text)
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
    elif cmd == "choose":
        until(args, f"{rest[1]!r} in the drop-down {rest[0]!r}", lambda app: choose(app, rest[0], rest[1]))
    elif cmd == "under":
        nodes = until(args, f"an accessible {rest[0]!r}", lambda app: named(app, lambda n, a: n == rest[0]))
        print("\n".join(dump(nodes[0])[1:]))
    elif cmd == "dump":
        app = until(args, f"application {args.app!r}", lambda app: app)
        print("\n".join(dump(app)))
    else:
        p.error(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
