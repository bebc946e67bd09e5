"""``python -m ips_jobdev``: the ``ips-jobdev`` command."""

from ips_jobdev.cli import main

if __name__ == "__main__":
    main(prog_name="ips-jobdev")
