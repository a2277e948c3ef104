package imapin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/commands"
)

// fetchBatch is how many mails one UID FETCH asks for.
const fetchBatch = 50

// ProcessOnce connects when needed and makes one pass over the mailbox:
// every mail is handed to the Handler and, once handled, moved to the
// processed folder; a mail that failed MaxFailures times goes to the
// quarantine folder instead. It returns how many mails were handled and
// moved. A mail whose handler fails stays in the mailbox and is not an
// error of the pass; a connection or State failure is, and closes the
// connection. The connection stays open for the next call: Close it.
func (r *Reader) ProcessOnce(ctx context.Context) (int, error) {
	if err := r.cfg.Validate(); err != nil {
		return 0, fmt.Errorf("imap settings: %w", err)
	}
	if r.conn == nil {
		cn, err := r.connect(ctx)
		if err != nil {
			return 0, err
		}
		r.conn = cn
	}
	cn := r.conn
	// Ending ctx interrupts whatever command is waiting on the network.
	stop := context.AfterFunc(ctx, func() { _ = cn.raw.Close() })
	defer stop()
	n, err := r.pass(ctx, cn)
	if err != nil {
		r.Close()
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			err = fmt.Errorf("%w: %w", cerr, err)
		}
	}
	return n, err
}

func (r *Reader) pass(ctx context.Context, cn *conn) (int, error) {
	mbox := cn.folder(r.cfg.Mailbox)
	status, err := cn.c.Select(mbox, false)
	if err != nil {
		return 0, fmt.Errorf("select %s: %w", mbox, err)
	}
	uv := status.UidValidity
	if r.uidValidity != 0 && r.uidValidity != uv {
		// The server renumbered the mailbox: old UIDs mean nothing now.
		// Failure counts are keyed by (UIDVALIDITY, UID) and the handler
		// deduplicates by Message-ID, so a full pass is safe.
		r.log.Warn("imap mailbox renumbered", slog.String("mailbox", mbox),
			slog.Uint64("old_uid_validity", uint64(r.uidValidity)), slog.Uint64("uid_validity", uint64(uv)))
	}
	r.uidValidity = uv
	crit := imap.NewSearchCriteria()
	// Mail flagged \Deleted was already copied away (servers without MOVE).
	crit.WithoutFlags = []string{imap.DeletedFlag}
	uids, err := cn.c.UidSearch(crit)
	if err != nil {
		return 0, fmt.Errorf("search %s: %w", mbox, err)
	}
	slices.Sort(uids)
	r.seen = uids
	handled := 0
	for chunk := range slices.Chunk(uids, fetchBatch) {
		raws, err := cn.fetch(chunk)
		if err != nil {
			return handled, err
		}
		// Handled mails are moved together after the chunk: one UID MOVE
		// instead of one per mail, still only after each handler's commit.
		var done []uint32
		for _, uid := range chunk {
			raw, ok := raws[uid]
			if !ok {
				continue // gone meanwhile (another client moved it)
			}
			ok, err := r.one(ctx, cn, Mail{UIDValidity: uv, UID: uid, Raw: raw})
			if err != nil {
				if n, merr := r.moveHandled(cn, done); merr == nil {
					handled += n
				}
				return handled, err
			}
			if ok {
				done = append(done, uid)
			}
		}
		n, err := r.moveHandled(cn, done)
		if err != nil {
			return handled, err
		}
		handled += n
	}
	return handled, nil
}

// moveHandled moves handled mails to the processed folder.
func (r *Reader) moveHandled(cn *conn, uids []uint32) (int, error) {
	if len(uids) == 0 {
		return 0, nil
	}
	if err := cn.moveUIDs(uids, cn.folder(r.cfg.ProcessedFolder), r.noMove); err != nil {
		return 0, fmt.Errorf("move %d mails to %s: %w", len(uids), r.cfg.ProcessedFolder, err)
	}
	r.log.Debug("mails handled", slog.Int("count", len(uids)))
	return len(uids), nil
}

// fetch reads the given mails without marking them \Seen.
func (cn *conn) fetch(uids []uint32) (map[uint32][]byte, error) {
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, len(uids))
	done := make(chan error, 1)
	go func() { done <- cn.c.UidFetch(set, []imap.FetchItem{imap.FetchUid, section.FetchItem()}, ch) }()
	out := make(map[uint32][]byte, len(uids))
	var readErr error
	for m := range ch {
		body := m.GetBody(section)
		if body == nil || m.Uid == 0 {
			continue
		}
		raw, err := io.ReadAll(body)
		if err != nil && readErr == nil {
			readErr = fmt.Errorf("read mail %d: %w", m.Uid, err)
		}
		out[m.Uid] = raw
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	return out, readErr
}

// one handles a single mail: the handler; or count the failure and
// quarantine. ok reports a mail handled, to be moved to the processed
// folder.
func (r *Reader) one(ctx context.Context, cn *conn, m Mail) (ok bool, err error) {
	log := r.log.With(slog.Uint64("uid_validity", uint64(m.UIDValidity)), slog.Uint64("uid", uint64(m.UID)))
	failures, err := r.st.Failures(ctx, m.UIDValidity, m.UID)
	if err != nil {
		return false, fmt.Errorf("failures of mail %d: %w", m.UID, err)
	}
	if failures >= r.cfg.MaxFailures {
		// Failed enough already; a crash kept it from quarantine.
		return false, r.quarantine(ctx, cn, m, fmt.Sprintf("%d failed attempts", failures), log)
	}
	herr := r.h.HandleMail(ctx, m)
	if herr == nil {
		if r.afterHandle != nil {
			r.afterHandle(m)
		}
		return true, nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return false, cerr // stopping is not the mail's fault
	}
	reason := herr.Error()
	count, err := r.st.RecordFailure(ctx, m.UIDValidity, m.UID, reason)
	if err != nil {
		return false, fmt.Errorf("record failure of mail %d: %w", m.UID, err)
	}
	log.Warn("mail not handled", slog.Int("failures", count), slog.Any("error", herr))
	if count >= r.cfg.MaxFailures {
		return false, r.quarantine(ctx, cn, m, reason, log)
	}
	return false, nil
}

func (r *Reader) quarantine(ctx context.Context, cn *conn, m Mail, reason string, log *slog.Logger) error {
	if err := cn.moveUIDs([]uint32{m.UID}, cn.folder(r.cfg.QuarantineFolder), r.noMove); err != nil {
		return fmt.Errorf("move mail %d to %s: %w", m.UID, r.cfg.QuarantineFolder, err)
	}
	log.Error("mail quarantined", slog.String("folder", r.cfg.QuarantineFolder), slog.String("reason", reason))
	if r.OnQuarantine != nil {
		r.OnQuarantine(ctx, m, reason)
	}
	return nil
}

// moveUIDs moves mails: UID MOVE, or else UID COPY, \Deleted and UID
// EXPUNGE of those UIDs only. Without UIDPLUS the copied mail keeps its
// \Deleted flag (passes skip it): a plain EXPUNGE would also remove mail
// other clients flagged.
func (cn *conn) moveUIDs(uids []uint32, dest string, noMove bool) error {
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	if cn.move && !noMove {
		return cn.c.UidMove(set, dest)
	}
	if err := cn.c.UidCopy(set, dest); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	flags := []interface{}{imap.DeletedFlag}
	if err := cn.c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), flags, nil); err != nil {
		return fmt.Errorf("flag deleted: %w", err)
	}
	if !cn.uidplus {
		return nil
	}
	cmd := &commands.Uid{Cmd: &imap.Command{Name: "EXPUNGE", Arguments: []interface{}{set}}}
	status, err := cn.c.Execute(cmd, nil)
	if err == nil {
		err = status.Err()
	}
	if err != nil {
		return fmt.Errorf("uid expunge: %w", err)
	}
	return nil
}
