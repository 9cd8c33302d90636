use super::*;

#[test]
fn statuses_follow_the_error_kind() {
    let cases = [
        (
            WebError::NotFound("Article 7".into()),
            StatusCode::NOT_FOUND,
        ),
        (WebError::BadRequest("page".into()), StatusCode::BAD_REQUEST),
        (
            WebError::Storage(StorageError::Invalid("query".into())),
            StatusCode::BAD_REQUEST,
        ),
        (
            WebError::Storage(StorageError::Conflict("user ann".into())),
            StatusCode::CONFLICT,
        ),
        (
            WebError::Unauthorized("sign in".into()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            WebError::Forbidden("moderators only".into()),
            StatusCode::FORBIDDEN,
        ),
        (WebError::Csrf, StatusCode::FORBIDDEN),
        (
            WebError::TooMany("wait".into()),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        (
            WebError::Unprocessable("the comment is empty".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            WebError::Storage(StorageError::Backend("disk full".into())),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        (
            WebError::Internal("the password task panicked".into()),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
    ];
    for (error, status) in cases {
        assert_eq!(error.to_error_page().status, status, "{error}");
    }
}

#[test]
fn refusals_are_told_as_sentences() {
    let page = WebError::Unprocessable("the comment is empty".into()).to_error_page();
    assert_eq!(page.message, "The comment is empty.");
    assert!(WebError::Csrf.is_refusal());
    assert!(!WebError::NotFound("Article 7".into()).is_refusal());
    assert!(!WebError::Internal("crash".into()).is_refusal());
}

#[test]
fn server_side_details_are_not_shown_to_readers() {
    for error in [
        WebError::Storage(StorageError::Backend("secret table xyz".into())),
        WebError::Internal("task xyz panicked".into()),
    ] {
        let page = error.to_error_page();
        assert_eq!(page.message, GENERIC_MESSAGE);
    }
}

#[tokio::test]
async fn the_api_answers_problem_json() {
    let response = ApiError(WebError::NotFound("Article 7".into())).into_response();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE),
        Some(&HeaderValue::from_static("application/problem+json"))
    );
    let body = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .expect("body");
    let problem: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        problem,
        serde_json::json!({
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "Article 7 not found.",
        })
    );
}
