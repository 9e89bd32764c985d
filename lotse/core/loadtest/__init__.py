"""Load benchmark ``load`` (``make bench``): Lotse under gunicorn on loopback, driven by wrk.

What runs where: ``prepare`` makes counsellors of the synthetic dataset able to log in (password and a TOTP
device), ``server`` starts gunicorn with production settings against the benchmark database, ``client`` logs the
counsellors in through the real forms and collects what each step needs (session cookies, search terms, case
ids, form tokens), and ``wrk`` drives one step at a time with a Lua script, checking every response's status.
"""
