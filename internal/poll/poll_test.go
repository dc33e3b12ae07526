package poll_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sdkerrors "github.com/bankdata-go/bankdata/errors"
	"github.com/bankdata-go/bankdata/internal/poll"
)

var pending = sdkerrors.FlinksCode("OPERATION_PENDING")

func TestUntilDoneAfterT(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		ready := start.Add(95 * time.Second)
		calls := 0
		var events []poll.Event
		v, err := poll.Until(context.Background(), poll.Config{Interval: 10 * time.Second, OnPoll: func(e poll.Event) { events = append(events, e) }},
			func(ctx context.Context, attempt int) (string, error) {
				calls++
				assert.Equal(t, calls, attempt)
				if time.Now().Before(ready) {
					return "", pending
				}
				return "data", nil
			})
		require.NoError(t, err)
		assert.Equal(t, "data", v)
		assert.Equal(t, 10, calls)
		assert.Equal(t, 100*time.Second, time.Since(start), "returns within one interval of T")
		require.Len(t, events, 10)
		assert.NoError(t, events[9].Err)
		assert.ErrorIs(t, events[0].Err, sdkerrors.ErrPending)
	})
}

func TestUntilImmediate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		_, err := poll.Until(context.Background(), poll.Config{Immediate: true}, func(ctx context.Context, attempt int) (int, error) { return 1, nil })
		require.NoError(t, err)
		assert.Zero(t, time.Since(start))
	})
}

func TestUntilTerminalErrorStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		terminal := sdkerrors.FlinksCode("INVALID_LOGIN")
		calls := 0
		_, err := poll.Until(context.Background(), poll.Config{Interval: time.Second}, func(ctx context.Context, attempt int) (int, error) {
			calls++
			if calls == 3 {
				return 0, terminal
			}
			return 0, pending
		})
		assert.ErrorIs(t, err, sdkerrors.ErrInvalidLogin)
		assert.Equal(t, 3, calls)
	})
}

func TestUntilTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		calls := 0
		_, err := poll.Until(context.Background(), poll.Config{Interval: 10 * time.Second, Timeout: 30 * time.Minute}, func(ctx context.Context, attempt int) (int, error) {
			calls++
			return 0, pending
		})
		var pt *sdkerrors.PollTimeoutError
		require.ErrorAs(t, err, &pt)
		assert.ErrorIs(t, err, sdkerrors.ErrPollTimeout)
		assert.ErrorIs(t, err, sdkerrors.ErrPending)
		assert.ErrorIs(t, err, sdkerrors.ErrOperationPending)
		assert.Equal(t, 30*time.Minute, time.Since(start))
		assert.Equal(t, 180, calls)
		assert.Equal(t, 180, pt.Polls)
	})
}

func TestUntilTimeoutNotMultipleOfInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		calls := 0
		_, err := poll.Until(context.Background(), poll.Config{Interval: 10 * time.Second, Timeout: 25 * time.Second}, func(ctx context.Context, attempt int) (int, error) {
			calls++
			return 0, pending
		})
		assert.ErrorIs(t, err, sdkerrors.ErrPollTimeout)
		assert.Equal(t, 25*time.Second, time.Since(start))
		assert.Equal(t, 3, calls)
	})
}

func TestUntilContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(25 * time.Second)
			cancel()
		}()
		start := time.Now()
		_, err := poll.Until(ctx, poll.Config{Interval: 10 * time.Second}, func(ctx context.Context, attempt int) (int, error) { return 0, pending })
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 25*time.Second, time.Since(start))
	})
}

func TestUntilContextDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_, err := poll.Until(ctx, poll.Config{Interval: 10 * time.Second}, func(ctx context.Context, attempt int) (int, error) { return 0, pending })
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestJitterOnlyLengthens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		last := time.Now()
		_, _ = poll.Until(context.Background(), poll.Config{Interval: 10 * time.Second, Jitter: 0.5, Timeout: 10 * time.Minute},
			func(ctx context.Context, attempt int) (int, error) {
				gap := time.Since(last)
				last = time.Now()
				assert.GreaterOrEqual(t, gap, 10*time.Second)
				assert.LessOrEqual(t, gap, 15*time.Second)
				if attempt == 20 {
					return 0, errors.New("stop")
				}
				return 0, pending
			})
	})
}

func TestCustomIsPending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		notYet := errors.New("not yet")
		n := 0
		v, err := poll.Until(context.Background(), poll.Config{Interval: time.Second, IsPending: func(err error) bool { return errors.Is(err, notYet) }},
			func(ctx context.Context, attempt int) (int, error) {
				n++
				if n < 4 {
					return 0, notYet
				}
				return n, nil
			})
		require.NoError(t, err)
		assert.Equal(t, 4, v)
	})
}

func TestSlowPollsDoNotDrift(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var at []time.Duration
		_, _ = poll.Until(context.Background(), poll.Config{Interval: 10 * time.Second, Timeout: time.Minute},
			func(ctx context.Context, attempt int) (int, error) {
				at = append(at, time.Since(start))
				time.Sleep(3 * time.Second) // a slow answer
				if attempt == 4 {
					return 1, nil
				}
				return 0, pending
			})
		assert.Equal(t, []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second, 40 * time.Second}, at)
	})
}
