// NOTE: shared test data; not exported from the package.

/** Arto Inkala's 2012 "world's hardest sudoku" (21 givens) and its solution. */
export const INKALA = '8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..';
export const INKALA_SOLUTION =
  '812753649943682175675491283154237896369845721287169534521974368438526917796318452';
/** The first 17-clue puzzle of Gordon Royle's collection and its solution. */
export const ROYLE_17 = '000000010400000000020000000000050407008000300001090000300400200050100000000806000';
export const ROYLE_17_SOLUTION =
  '693784512487512936125963874932651487568247391741398625319475268856129743274836159';
/** A 17-clue puzzle from Peter Norvig's essay, solved only by search. */
export const NORVIG_17 = '4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......';
export const NORVIG_17_SOLUTION =
  '417369825632158947958724316825437169791586432346912758289643571573291684164875293';
/** The classic Wikipedia example puzzle (30 givens, easy). */
export const WIKI = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
