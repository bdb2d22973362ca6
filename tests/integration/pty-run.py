#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and answer its prompts as a person would.

    pty-run.py [--timeout S] [--answer PROMPT TEXT]... -- COMMAND [ARG...]

The command gets the pty as its controlling terminal (and as stdin, stdout
and stderr), so what it opens as /dev/tty is this pty.  For each --answer,
in order: wait until PROMPT appears in the output, check that the terminal
does not echo at that moment (what is typed next would show otherwise), then
type TEXT and Enter.  Afterwards everything the command wrote (prompts, echo
if any, messages) is printed on stdout, and the exit code is the command's.

Exit codes of its own: 124 a prompt did not come in time; 125 the terminal
echoed at a prompt (the answer is then never typed and the command killed).
"""
import os
import pty
import select
import signal
import sys
import termios
import time


def usage():
    sys.stderr.write(__doc__)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    answers = []
    timeout = 30.0
    while args and args[0] != "--":
        if args[0] == "--answer" and len(args) >= 3:
            answers.append((args[1].encode(), args[2].encode()))
            args = args[3:]
        elif args[0] == "--timeout" and len(args) >= 2:
            timeout = float(args[1])
            args = args[2:]
        else:
            usage()
    if not args or len(args) < 2:
        usage()
    command = args[1:]

    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    out = bytearray()
    seen = 0            # output up to here has been matched already
    status = None

    def read_some(wait):
        """Append what the command wrote within WAIT seconds; False at EOF."""
        r, _, _ = select.select([master], [], [], wait)
        if not r:
            return True
        try:
            data = os.read(master, 4096)
        except OSError:     # EIO: the slave side is closed, the command ended
            return False
        if not data:
            return False
        out.extend(data)
        return True

    def give_up(code, why):
        sys.stderr.write("pty-run: %s\n" % why)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stdout.write(out.decode(errors="replace"))
        sys.exit(code)

    for prompt, text in answers:
        deadline = time.monotonic() + timeout
        while out.find(prompt, seen) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not read_some(min(left, 0.5)):
                give_up(124, "no prompt %r (output so far: %r)" % (prompt.decode(), bytes(out).decode(errors="replace")))
        seen = out.find(prompt, seen) + len(prompt)
        # The pty's settings are one for both ends: the master shows what
        # the command set on /dev/tty.
        lflag = termios.tcgetattr(master)[3]
        if lflag & termios.ECHO:
            give_up(125, "the terminal echoes at the prompt %r" % prompt.decode())
        os.write(master, text + b"\n")

    deadline = time.monotonic() + timeout
    while read_some(0.5):
        if time.monotonic() > deadline:
            give_up(124, "the command did not end")
    _, status = os.waitpid(pid, 0)
    os.close(master)
    sys.stdout.write(out.decode(errors="replace"))
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
