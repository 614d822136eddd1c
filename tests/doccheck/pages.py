"""Small pages for the checker's own tests: ''' stands for a fence, and text is dedented."""

import textwrap

FENCE = "```"


def page(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n").replace("'''", FENCE)


# Two pages for the isolation tests. The polluter changes every kind of state a page
# can reach; the victim prints what a fresh interpreter shows, and fails if it finds
# anything the polluter left.
POLLUTER = page("""
    '''python
    import builtins, json, os, sys, warnings
    import numpy as np
    import lambda_puzzle
    np.set_printoptions(precision=2)
    np.seterr(all="raise")
    np.random.seed(0)
    json.leaked = True
    lambda_puzzle.leaked = True
    builtins.leaked = True
    sys.leaked = True
    warnings.simplefilter("error")
    os.environ["LEAKED"] = "1"
    open("leaked.txt", "w").close()
    leaked = True
    print(np.array([1 / 3]))
    '''

    '''output
    [0.33]
    '''
""")
VICTIM = page("""
    '''python
    import builtins, json, os, sys, warnings
    import numpy as np
    import lambda_puzzle
    print(np.array([1 / 3]), np.geterr()["divide"], np.random.rand() == 0.5488135039273248)
    print([hasattr(m, "leaked") for m in (json, lambda_puzzle, builtins, sys)])
    print("LEAKED" in os.environ, os.listdir("."), "leaked" in globals())
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("recorded, not raised")
    print(len(caught))
    '''

    '''output
    [0.33333333] warn False
    [False, False, False, False]
    False [] False
    1
    '''
""")
