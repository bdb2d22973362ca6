#!/usr/bin/python3
"""Drive inkan-kiosk through AT-SPI, as staff at the counter would: find a
widget by role and accessible name, click it, type into it, wait for a
label.  One action per run, so that the shell test takes a screenshot and
checks the journal between them.

usage: drive.py wait-label TEXT [SECONDS]     a label containing TEXT shows
       drive.py click NAME [SECONDS]          click the (sensitive) button NAME
       drive.py wait-button NAME [SECONDS]    the button NAME shows and can be clicked
       drive.py type NAME                     type stdin's first line into entry NAME
       drive.py select NAME ITEM              pick ITEM in the drop-down NAME
       drive.py labels                        print every showing label (for failures)
"""
import sys
import time

import pyatspi

APP = "inkan-kiosk"


def app():
    for a in pyatspi.Registry.getDesktop(0):
        if a is not None and a.name == APP:
            return a
    return None


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.childCount):
        try:
            yield from walk(node.getChildAtIndex(i), depth + 1)
        except Exception:
            continue


def showing(node):
    # GTK 4.8 sets no SHOWING state, and reports the widgets of a stack's
    # hidden pages as VISIBLE: what is not on screen has no size.
    if not node.getState().contains(pyatspi.STATE_VISIBLE):
        return False
    e = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    return e.width > 0 and e.height > 0


def find(pred, seconds):
    end = time.monotonic() + seconds
    while True:
        a = app()
        if a is not None:
            for n in walk(a):
                try:
                    if pred(n):
                        return n
                except Exception:
                    pass
        if time.monotonic() > end:
            return None
        time.sleep(0.2)


def labels():
    a = app()
    return [n.name for n in walk(a) if n.getRoleName() == "label" and showing(n) and n.name] if a else []


def fail(msg):
    print("drive: " + msg, file=sys.stderr)
    print("drive: labels showing: " + " | ".join(labels()), file=sys.stderr)
    sys.exit(1)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "wait-label":
        secs = float(args[1]) if len(args) > 1 else 20
        n = find(lambda n: n.getRoleName() == "label" and args[0] in (n.name or "") and showing(n), secs)
        if n is None:
            fail("no label with \"%s\" within %gs" % (args[0], secs))
        print(n.name)
    elif cmd in ("click", "wait-button"):
        secs = float(args[1]) if len(args) > 1 else 20
        n = find(lambda n: n.getRoleName() in ("push button", "toggle button", "radio button", "check box") and n.name == args[0]
                 and showing(n) and n.getState().contains(pyatspi.STATE_SENSITIVE), secs)
        if n is None:
            fail("no sensitive button \"%s\" within %gs" % (args[0], secs))
        if cmd == "wait-button":
            return
        act = n.queryAction()
        names = [act.getName(i) for i in range(act.nActions)]
        for i, name in enumerate(names):
            if name in ("click", "press", "activate", "toggle"):
                act.doAction(i)
                return
        fail("button \"%s\" has no click action, only %s" % (args[0], names))
    elif cmd == "type":
        text = sys.stdin.readline().rstrip("\n")
        n = find(lambda n: n.getRoleName() in ("text", "password text", "entry") and n.name == args[0]
                 and showing(n), 20)
        if n is None:
            fail("no entry \"%s\"" % args[0])
        n.queryEditableText().setTextContents(text)
    elif cmd == "labels":
        print("\n".join(labels()))
    else:
        fail("unknown command " + cmd)


main()
