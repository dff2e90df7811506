//! E-mail delivery through a real SMTP server started on loopback by the test, and the outbox
//! when no SMTP server is configured; on SQLite and on Postgres.

use crate::auth_support;

use std::sync::{Arc, Mutex};

use auth_support::{Options, TestApp};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as the SMTP server received it.
#[derive(Debug, Clone, Default)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

/// A minimal SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
/// on 127.0.0.1 and a free port; returns its `smtp://` URL and what it received.
async fn smtp_server() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let inbox: Arc<Mutex<Vec<Received>>> = Arc::default();
    let sink = inbox.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let sink = sink.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut current = Received::default();
                write.write_all(b"220 test.localhost ESMTP ready\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-test.localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
                        b"250 OK\r\n"
                    } else if upper.starts_with("RSET") {
                        current = Received::default();
                        b"250 OK\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        current.mail_from = line[10..].trim().to_string();
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        current.rcpt_to.push(line[8..].trim().to_string());
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(l.strip_prefix('.').filter(|_| l.starts_with("..")).unwrap_or(&l));
                            data.push('\n');
                        }
                        current.data = data;
                        sink.lock().unwrap().push(std::mem::take(&mut current));
                        b"250 OK queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 Bye\r\n").await;
                        return;
                    } else {
                        b"502 Command not implemented\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, inbox)
}

#[tokio::test]
async fn an_email_is_delivered_through_the_real_smtp_server_on_sqlite() {
    delivered_through_smtp(auth_support::Db::Sqlite).await;
}

#[tokio::test]
async fn an_email_is_delivered_through_the_real_smtp_server_on_postgres() {
    delivered_through_smtp(auth_support::Db::Postgres).await;
}

async fn delivered_through_smtp(db: auth_support::Db) {
    let (url, inbox) = smtp_server().await;
    let options = Options { smtp_url: Some(url.clone()), ..Default::default() };
    auth_support::run(db, "smtp_delivery", options, move |app: TestApp| async move {
        let mailer = server::mail::mailer(app.store.clone(), Some(&url), Some("Portail <no-reply@portal.example>")).unwrap();
        assert!(mailer.uses_smtp());
        mailer
            .send("anna@musterhans.example", "Confirm your address", "Open this link: http://portal.example/confirm?token=abc123\n")
            .await
            .expect("the SMTP server accepts the message");

        let received = inbox.lock().unwrap().clone();
        assert_eq!(received.len(), 1, "{received:?}");
        let message = &received[0];
        assert_eq!(message.mail_from, "<no-reply@portal.example>");
        assert_eq!(message.rcpt_to, vec!["<anna@musterhans.example>".to_string()]);
        assert!(message.data.contains("To: anna@musterhans.example"), "{}", message.data);
        assert!(message.data.contains("Subject: Confirm your address"), "{}", message.data);
        assert!(message.data.contains("http://portal.example/confirm?token=abc123"), "{}", message.data);

        let outbox = app.store.outbox(false).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert!(outbox[0].sent_at.is_some(), "delivered messages are marked sent in the outbox");
    })
    .await;
}

#[tokio::test]
async fn without_smtp_an_email_is_kept_in_the_outbox_on_sqlite() {
    kept_in_outbox(auth_support::Db::Sqlite).await;
}

#[tokio::test]
async fn without_smtp_an_email_is_kept_in_the_outbox_on_postgres() {
    kept_in_outbox(auth_support::Db::Postgres).await;
}

async fn kept_in_outbox(db: auth_support::Db) {
    auth_support::run(db, "outbox", Options::default(), |app: TestApp| async move {
        let mailer = server::mail::mailer(app.store.clone(), None, None).unwrap();
        assert!(!mailer.uses_smtp());
        mailer.send("anna@musterhans.example", "Réinitialisation", "token=xyz").await.unwrap();
        let outbox = app.store.outbox(true).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].to_address, "anna@musterhans.example");
        assert_eq!(outbox[0].subject, "Réinitialisation");
        assert_eq!(outbox[0].sent_at, None);
    })
    .await;
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_an_error_and_the_message_stays_unsent() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let url = format!("smtp://127.0.0.1:{port}");
    auth_support::run(auth_support::Db::Sqlite, "smtp_down", Options::default(), move |app: TestApp| async move {
        let mailer = server::mail::mailer(app.store.clone(), Some(&url), None).unwrap();
        assert!(mailer.send("anna@musterhans.example", "Hello", "body").await.is_err());
        let unsent = app.store.outbox(true).await.unwrap();
        assert_eq!(unsent.len(), 1, "kept for a later retry");
    })
    .await;
}

#[test]
fn an_invalid_smtp_url_or_sender_is_refused_at_start_up() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = portal_core::store::Store::connect("sqlite::memory:").await.unwrap();
        assert!(server::mail::mailer(store.clone(), Some("ftp://nowhere"), None).is_err());
        assert!(server::mail::mailer(store, None, Some("not a mailbox")).is_err());
    });
}
