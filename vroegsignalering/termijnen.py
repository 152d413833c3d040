"""The deadline kinds of the vroegsignalering diagram: the values of the timers' `termijn` property (R14, R15).

`wettelijk`: the statutory deadline (28 days after the signal, 3 working days in a threatening situation);
`streef`: the covenant's 14-day target. The statutory deadline is what makes an open task late on the worklist
(`LEADING_KINDS`, given to the engine's runtime); the screens show both.
"""
WETTELIJK = "wettelijk"
STREEF = "streef"
LEADING_KINDS = (WETTELIJK,)
