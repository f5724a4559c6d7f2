package io.bulwark.runtime.ratelimit;

/**
 * {@link Cell}'s fields, then 56 bytes of padding, for {@link GcraCell}: fields of a superclass are laid out before
 * those of its subclass, so the GCRA word lies on another cache line than the cell's header and {@link Cell}'s
 * fields. Every call reads those first ({@code instanceof}, {@code limit}) and nobody writes them, so their line stays
 * shared by every core; only the word's line moves, once a call (see {@link GcraCell#tryAcquire}).
 */
@SuppressWarnings("unused")
abstract class PaddedCell extends Cell {

    private long p1;
    private long p2;
    private long p3;
    private long p4;
    private long p5;
    private long p6;
    private long p7;

    PaddedCell(long id, MemoryLimit limit, Object key, int generation) {
        super(id, limit, key, generation);
    }
}
