"""The catalogue's part for the guards every command shares (part of :mod:`reportedly.incidents.codes`,
kept in its own file so each stays short): names that become paths, output folders, locks, inputs
of the wrong kind, network timeouts and refusals that protect data.

Codes are stable: add new ones, never rename or reuse old ones.
"""

from __future__ import annotations

from reportedly.incidents.codes_base import Code, error

GUARDS: dict[str, Code] = {
    "RPT-PATH-ESCAPE": error(
        "a path built from a name would leave its output folder",
        "use plain names (no '/', '..' or links pointing out of the folder), or choose another --out",
    ),
    "RPT-PATH-KIND": error(
        "a file was given where a folder is expected, or a folder where a file is expected",
        "check the path: the message says which kind it must be",
    ),
    "RPT-IO": error(
        "a file or folder could not be read or written",
        "check that it exists and that you may read and write it (permissions, free space)",
    ),
    "RPT-OUT-LOCKED": error(
        "another run is writing into the same output folder",
        "wait for the other run to finish, or choose another --out",
    ),
    "RPT-DUPLICATE-INPUT": error(
        "two inputs give the same document id, annotator or name, so one would silently replace the other",
        "give each a unique id (or map the two to different annotators); the message names both places",
    ),
    "RPT-NOTHING-TO-WRITE": error(
        "the command found nothing to write and refused to replace the existing output with an empty one",
        "check the input path and options (--predictions, --split, the corpus folder)",
    ),
    "RPT-FOREIGN-FILES": error(
        "the output folder holds files this command did not write",
        "move those files away, choose another --out, or pass --force to remove them too",
    ),
    "RPT-PROJECT-ROOT": error(
        "a default path points into another project folder than the current one",
        "run the command from the project folder, or give the paths explicitly",
    ),
    "RPT-STUDIO-TIMEOUT": error(
        "the server accepted the connection but did not answer in time",
        "check that the URL is a running Label Studio (`reportedly studio status`); raise --timeout if it is slow",
    ),
    "RPT-STUDIO-FOREIGN-URL": error(
        "the --url is not the server this project folder started, and no token was given for it",
        "set LABEL_STUDIO_API_KEY to that server's token, or drop --url to use this folder's server",
    ),
    "RPT-INTERNAL": error(
        "an unexpected error (a bug in reportedly, not in your input)",
        "report it with the command line; set REPORTEDLY_DEBUG=1 to see the Python traceback",
    ),
}
