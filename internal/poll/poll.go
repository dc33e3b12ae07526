// Package poll is the waiter both clients use for long-running operations:
// it calls an operation every interval until it is done, fails with a
// terminal error, the context ends, or the timeout passes. It never calls
// time.Sleep: waits are timers in a select with the context, so tests run
// them under testing/synctest.
package poll

import (
	"context"
	"math/rand/v2"
	"time"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
)

// Defaults match the Flinks documentation: every 10 s, for at most 30 min.
const (
	DefaultInterval = 10 * time.Second
	DefaultTimeout  = 30 * time.Minute
)

// Event is passed to [Config.OnPoll] after each poll.
type Event struct {
	// Attempt counts polls from 1.
	Attempt int
	// Elapsed is the time since the wait began.
	Elapsed time.Duration
	// Err is the poll's outcome: nil (done), a pending error, or a terminal one.
	Err error
}

// Config tunes one wait.
type Config struct {
	// Interval between polls (default DefaultInterval).
	Interval time.Duration
	// Timeout for the whole wait (default DefaultTimeout). The context's
	// deadline, if earlier, wins.
	Timeout time.Duration
	// Jitter lengthens each interval by a random fraction in [0, Jitter)
	// (0 = none). It never shortens an interval.
	Jitter float64
	// Immediate makes the first poll happen at once instead of after one
	// interval.
	Immediate bool
	// IsPending decides which errors mean "not yet"; default
	// errors.Is(err, errors.ErrPending).
	IsPending func(error) bool
	// OnPoll, if set, is called after every poll (progress reporting).
	OnPoll func(Event)
}

// Until calls fn until it returns a nil error (done) or an error that is not
// pending (terminal), the context is done, or the timeout passes; then it
// returns a *errors.PollTimeoutError that matches ErrPollTimeout and
// ErrPending and unwraps to the last pending error. fn receives the 1-based
// attempt number.
func Until[T any](ctx context.Context, cfg Config, fn func(ctx context.Context, attempt int) (T, error)) (T, error) {
	var zero T
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	isPending := cfg.IsPending
	if isPending == nil {
		isPending = func(err error) bool { return sdkerrors.Is(err, sdkerrors.ErrPending) }
	}
	start := time.Now()
	deadline := start.Add(cfg.Timeout)
	var last error
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	// Polls are paced from the start of the previous poll, not from its end,
	// so a slow answer does not push every later poll back: data ready at T
	// is seen at most one interval (plus one round trip) after T.
	lastPoll := start
	for attempt := 1; ; attempt++ {
		if attempt > 1 || !cfg.Immediate {
			wait := cfg.Interval - time.Since(lastPoll)
			if attempt == 1 {
				wait = cfg.Interval
			}
			if cfg.Jitter > 0 {
				wait += time.Duration(rand.Float64() * cfg.Jitter * float64(cfg.Interval))
			}
			wait = max(wait, 0)
			remaining := time.Until(deadline)
			final := false
			if wait >= remaining {
				// One last poll exactly at the deadline.
				wait, final = max(remaining, 0), true
			}
			if final && attempt > 1 && remaining <= 0 {
				return zero, &sdkerrors.PollTimeoutError{Waited: time.Since(start), Polls: attempt - 1, Last: last}
			}
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return zero, ctx.Err()
			case <-timer.C:
			}
		}
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		lastPoll = time.Now()
		v, err := fn(ctx, attempt)
		if cfg.OnPoll != nil {
			cfg.OnPoll(Event{Attempt: attempt, Elapsed: time.Since(start), Err: err})
		}
		if err == nil {
			return v, nil
		}
		if !isPending(err) {
			return v, err
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return zero, ctxErr
		}
		last = err
		if !time.Now().Before(deadline) {
			return zero, &sdkerrors.PollTimeoutError{Waited: time.Since(start), Polls: attempt, Last: last}
		}
	}
}
